//! The documents waiting for tantivy's indexing threads, bounded in bytes.
//!
//! `IndexWriter::add_document` only queues a document: tantivy's channel to
//! its indexing threads holds up to 10,000 of them, and while articles are
//! read and analysed faster than they are indexed, that queue fills. With
//! each article's text in a document four times over (stored, neutral,
//! exact, its language), 10,000 news articles are over 100 MB that no
//! budget counted (measured: a 108 MB dump grew to 450 MB of peak RSS). A
//! [`Queued`] document carries a ticket for its size until tantivy has
//! indexed and dropped it, and [`Queue::admit`] waits while the documents
//! in flight would exceed the limit.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tantivy::schema::{Document, Value};
use tantivy::TantivyDocument;

/// How long [`Queue::admit`] sleeps between looks at the queue. Waking is
/// by notification; this only bounds a wait whose notification was missed.
const RECHECK: Duration = Duration::from_millis(200);

/// Documents in flight, counted in bytes of their values.
#[derive(Debug, Clone)]
pub struct Queue {
    shared: Arc<Shared>,
    limit: usize,
}

#[derive(Debug, Default)]
struct Shared {
    bytes: Mutex<usize>,
    drained: Condvar,
}

impl Shared {
    fn bytes(&self) -> MutexGuard<'_, usize> {
        self.bytes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Queue {
    /// A queue that lets in documents while those in flight stay under
    /// `limit` bytes (a single larger document goes in alone).
    pub fn new(limit: usize) -> Queue {
        Queue {
            shared: Arc::default(),
            limit,
        }
    }

    /// Wraps a document for the writer, first waiting until the documents
    /// in flight leave room for it.
    pub fn admit(&self, doc: TantivyDocument) -> Queued {
        let size = size_of(&doc);
        let mut bytes = self.shared.bytes();
        while *bytes > 0 && *bytes + size > self.limit {
            bytes = self
                .shared
                .drained
                .wait_timeout(bytes, RECHECK)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *bytes += size;
        Queued {
            doc,
            _ticket: Ticket {
                shared: Arc::clone(&self.shared),
                size,
            },
        }
    }

    /// Bytes of the documents in flight.
    #[cfg(test)]
    fn in_flight(&self) -> usize {
        *self.shared.bytes()
    }
}

/// Bytes of a document's text and byte values: what it holds in memory,
/// give or take its small fields.
fn size_of(doc: &TantivyDocument) -> usize {
    doc.field_values()
        .map(|(_, value)| {
            value
                .as_str()
                .map(str::len)
                .or_else(|| value.as_bytes().map(<[u8]>::len))
                .unwrap_or(8)
        })
        .sum()
}

/// A document counted in its [`Queue`] until tantivy drops it, once
/// indexed.
#[derive(Debug)]
pub struct Queued {
    doc: TantivyDocument,
    _ticket: Ticket,
}

#[derive(Debug)]
struct Ticket {
    shared: Arc<Shared>,
    size: usize,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut bytes = self.shared.bytes();
        *bytes = bytes.saturating_sub(self.size);
        drop(bytes);
        self.shared.drained.notify_all();
    }
}

impl Document for Queued {
    type Value<'a> = <TantivyDocument as Document>::Value<'a>;
    type FieldsValuesIter<'a> = <TantivyDocument as Document>::FieldsValuesIter<'a>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        self.doc.iter_fields_and_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};

    #[test]
    fn the_queue_waits_for_room_and_counts_until_the_document_is_dropped() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let doc = move |len: usize| {
            let mut doc = TantivyDocument::default();
            doc.add_text(text, "x".repeat(len));
            doc
        };
        let queue = Queue::new(100);
        let first = queue.admit(doc(60));
        assert_eq!(queue.in_flight(), 60);
        // A second one of 60 must wait until the first is dropped.
        let waiting = {
            let queue = queue.clone();
            std::thread::spawn(move || queue.admit(doc(60)))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!waiting.is_finished());
        assert_eq!(queue.in_flight(), 60);
        drop(first);
        let second = waiting.join().unwrap();
        assert_eq!(queue.in_flight(), 60);
        drop(second);
        // Alone, a document larger than the limit goes in.
        let big = queue.admit(doc(500));
        assert_eq!(queue.in_flight(), 500);
        drop(big);
        assert_eq!(queue.in_flight(), 0);
    }
}
