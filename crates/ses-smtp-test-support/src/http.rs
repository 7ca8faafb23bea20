//! A canned HTTP endpoint on loopback.

/// A stand-in HTTP endpoint on loopback (a hostile or refusing AWS
/// service): each request's body goes to `answer`, which gives the status
/// and the body of the reply (JSON when it starts with `{`, else XML); an
/// answer that blocks holds the request unanswered. Requests are served one
/// at a time, until the test process ends.
pub struct CannedHttp {
    pub port: u16,
}

pub fn canned_http(answer: impl Fn(&[u8]) -> (u16, String) + Send + Sync + 'static) -> CannedHttp {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = std::sync::Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            // Each connection on a thread of its own: an answer held back
            // (a hanging call) holds back no other.
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let (status, reply) = answer(&body);
                let kind = if reply.starts_with('{') {
                    "application/x-amz-json-1.1"
                } else {
                    "text/xml"
                };
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} Canned\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            });
        }
    });
    CannedHttp { port }
}
