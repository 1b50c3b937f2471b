(function () {
  var form = document.getElementById('search');
  var results = document.getElementById('results');
  if (!form || !results || !window.fetch || !window.URLSearchParams || !window.FormData) return;
  var input = form.elements.q;
  var timer = 0, seq = 0;
  // The language switch leads to the search shown, not the one first loaded.
  function followSwitch(params) {
    var links = document.querySelectorAll('#ui-switch a[data-ui]');
    for (var i = 0; i < links.length; i++) {
      var own = new URLSearchParams(params);
      own.set('ui', links[i].getAttribute('data-ui'));
      links[i].setAttribute('href', '/?' + own.toString());
    }
  }
  function refresh() {
    var params = new URLSearchParams(new FormData(form));
    var url = '/?' + params.toString();
    var mine = ++seq;
    followSwitch(params);
    params.set('partial', '1');
    fetch('/?' + params.toString(), { credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (mine !== seq) return;
        results.innerHTML = html;
        history.replaceState(null, '', url);
      })
      .catch(function () {});
  }
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener('submit', function () { clearTimeout(timer); seq++; });
})();
