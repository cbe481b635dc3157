//! A small server-sent events reader: bytes in, `data` payloads out. Lines
//! may be cut anywhere by the network (even inside a UTF-8 character).

#[derive(Default)]
pub struct SseReader {
    buf: Vec<u8>,
    data: Vec<String>,
}

impl SseReader {
    /// Feeds a chunk; returns the events it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<String> {
        self.buf.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.buf.drain(..=pos).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line);
            if line.is_empty() {
                if !self.data.is_empty() {
                    events.push(self.data.join("\n"));
                    self.data.clear();
                }
            } else if let Some(value) = line.strip_prefix("data:") {
                self.data
                    .push(value.strip_prefix(' ').unwrap_or(value).to_string());
            }
            // Comments (":"), "event:", "id:" and "retry:" carry nothing we use.
        }
        events
    }

    /// The stream ended: an event still being collected counts.
    pub fn finish(&mut self) -> Option<String> {
        let tail = self.feed(b"\n\n");
        tail.into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_anywhere_come_out_whole() {
        let stream =
            "data: {\"a\":\"é\"}\r\n\r\n: keep-alive\n\ndata: one\ndata: two\n\ndata: [DONE]";
        let bytes = stream.as_bytes();
        for cut in 1..bytes.len() {
            let mut r = SseReader::default();
            let mut got = r.feed(&bytes[..cut]);
            got.extend(r.feed(&bytes[cut..]));
            got.extend(r.finish());
            assert_eq!(
                got,
                vec!["{\"a\":\"é\"}", "one\ntwo", "[DONE]"],
                "cut at {cut}"
            );
        }
    }
}
