//! Reads the elements of a JSON array one at a time, with the line each starts on, so an
//! import of any size keeps only one record in memory.
//!
//! The array read is the first one in the file: the whole file for `[ ... ]`, the `users`
//! array of a Firebase `{"users": [ ... ]}` export.

use std::io::BufRead;

/// Yields `(line, element text)` for each element of the first JSON array in the input.
pub struct ArrayElements<R> {
    input: std::io::Bytes<R>,
    line: u64,
    in_array: bool,
    finished: bool,
}

impl<R: BufRead> ArrayElements<R> {
    /// Reads from `input`.
    pub fn new(input: R) -> ArrayElements<R> {
        ArrayElements {
            input: input.bytes(),
            line: 1,
            in_array: false,
            finished: false,
        }
    }

    fn next_byte(&mut self) -> Option<std::io::Result<u8>> {
        let b = self.input.next()?;
        if let Ok(b'\n') = b {
            self.line += 1;
        }
        Some(b)
    }
}

impl<R: BufRead> Iterator for ArrayElements<R> {
    type Item = Result<(u64, Vec<u8>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        // Find the array's opening bracket (outside strings).
        let mut in_string = false;
        let mut escaped = false;
        while !self.in_array {
            match self.next_byte() {
                None => {
                    self.finished = true;
                    return Some(Err("no JSON array found in the input".into()));
                }
                Some(Err(e)) => {
                    self.finished = true;
                    return Some(Err(format!("read error: {e}")));
                }
                Some(Ok(b)) => {
                    if in_string {
                        match (escaped, b) {
                            (true, _) => escaped = false,
                            (false, b'\\') => escaped = true,
                            (false, b'"') => in_string = false,
                            _ => {}
                        }
                    } else if b == b'"' {
                        in_string = true;
                    } else if b == b'[' {
                        self.in_array = true;
                    }
                }
            }
        }
        // Skip whitespace and commas to the element's first byte.
        let (start_line, first) = loop {
            match self.next_byte() {
                None => {
                    self.finished = true;
                    return Some(Err(format!(
                        "line {}: the JSON array is not closed",
                        self.line
                    )));
                }
                Some(Err(e)) => {
                    self.finished = true;
                    return Some(Err(format!("read error: {e}")));
                }
                Some(Ok(b)) if b.is_ascii_whitespace() || b == b',' => continue,
                Some(Ok(b']')) => {
                    self.finished = true;
                    return None;
                }
                Some(Ok(b)) => break (self.line, b),
            }
        };
        let mut buf = vec![first];
        let mut depth: i64 = i64::from(first == b'{' || first == b'[');
        let mut in_string = first == b'"';
        let scalar = depth == 0 && !in_string;
        let mut escaped = false;
        loop {
            if !scalar && depth == 0 && !in_string {
                return Some(Ok((start_line, buf)));
            }
            let b = match self.next_byte() {
                None => {
                    self.finished = true;
                    return Some(Err(format!(
                        "line {start_line}: the input ends inside this element"
                    )));
                }
                Some(Err(e)) => {
                    self.finished = true;
                    return Some(Err(format!("read error: {e}")));
                }
                Some(Ok(b)) => b,
            };
            if in_string {
                buf.push(b);
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            if scalar {
                match b {
                    b']' => {
                        self.finished = true;
                        return Some(Ok((start_line, buf)));
                    }
                    b',' => return Some(Ok((start_line, buf))),
                    b if b.is_ascii_whitespace() => return Some(Ok((start_line, buf))),
                    b => buf.push(b),
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth -= 1,
                _ => {}
            }
            buf.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elements(s: &str) -> Vec<(u64, String)> {
        ArrayElements::new(s.as_bytes())
            .map(|r| r.map(|(l, b)| (l, String::from_utf8(b).unwrap())))
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn splits_elements_with_their_lines() {
        let got = elements("[\n {\"a\": \"]\\\"\"},\n {\"b\": [1, {\"c\": 2}]}\n, 3, \"x\"]");
        assert_eq!(
            got,
            vec![
                (2, "{\"a\": \"]\\\"\"}".to_owned()),
                (3, "{\"b\": [1, {\"c\": 2}]}".to_owned()),
                (4, "3".to_owned()),
                (4, "\"x\"".to_owned()),
            ]
        );
        assert!(elements("[]").is_empty());
    }

    #[test]
    fn finds_the_users_array_of_a_firebase_export() {
        let got = elements("{\"note\": \"[not this]\", \"users\": [\n{\"localId\": \"1\"}\n]}");
        assert_eq!(got, vec![(2, "{\"localId\": \"1\"}".to_owned())]);
    }

    #[test]
    fn reports_an_unclosed_element() {
        let got: Vec<_> = ArrayElements::new("[{\"a\": 1}, {\"b\": ".as_bytes()).collect();
        assert!(got[0].is_ok());
        assert!(got[1].as_ref().unwrap_err().contains("line 1"));
    }
}
