//! A small static file server for `dist/` on 127.0.0.1 (no directory
//! listing, no paths outside the root). `cargo xtask serve` runs it in the
//! foreground; `cargo xtask test` runs it on a thread on a free port, and
//! the offline test runs one it can stop.

use anyhow::{anyhow, Result};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use tiny_http::{Header, Response, Server};

pub fn serve_forever(dist: &Path, port: u16) -> Result<()> {
    let server = bind(port)?;
    let url = format!("http://127.0.0.1:{}/", local_port(&server));
    println!("==> serving {} at {url}", dist.display());
    println!("    open {url} in a browser; Ctrl-C stops the server");
    handle_requests(&server, dist);
    Ok(())
}

/// Serves `dist` (or any folder) on a free port from a background thread;
/// returns the base URL.
pub fn spawn(dist: &Path) -> Result<(String, JoinHandle<()>)> {
    let server = bind(0)?;
    let url = format!("http://127.0.0.1:{}/", local_port(&server));
    let dist = dist.to_path_buf();
    let handle = std::thread::spawn(move || handle_requests(&server, &dist));
    Ok((url, handle))
}

/// A server on a free port that [`StoppableServer::stop`] shuts down, as
/// a site's host going away would.
pub struct StoppableServer {
    pub url: String,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl StoppableServer {
    pub fn start(dist: &Path) -> Result<Self> {
        let server = Arc::new(bind(0)?);
        let url = format!("http://127.0.0.1:{}/", local_port(&server));
        let dist = dist.to_path_buf();
        let serving = Arc::clone(&server);
        let thread = std::thread::spawn(move || handle_requests(&serving, &dist));
        Ok(StoppableServer {
            url,
            server,
            thread: Some(thread),
        })
    }

    /// Stops answering: the port refuses connections from now on.
    pub fn stop(mut self) -> Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> Result<()> {
        self.server.unblock();
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .map_err(|_| anyhow!("the server thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for StoppableServer {
    fn drop(&mut self) {
        if let Err(e) = self.shut_down() {
            eprintln!("stopping the test server: {e:#}");
        }
    }
}

fn bind(port: u16) -> Result<Server> {
    Server::http(("127.0.0.1", port)).map_err(|e| anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))
}

fn local_port(server: &Server) -> u16 {
    server.server_addr().to_ip().map(|a| a.port()).unwrap_or(0)
}

fn handle_requests(server: &Server, dist: &Path) {
    for request in server.incoming_requests() {
        let path = resolve(dist, request.url());
        let response = match path.and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
            Some((path, bytes)) => Response::from_data(bytes)
                .with_header(header("Content-Type", content_type(&path)))
                .with_header(header("Cache-Control", "no-cache"))
                // No kept-alive connections: once stopped, the server must
                // be gone for the browser too (a pooled connection would
                // otherwise take requests that nobody answers).
                .with_header(header("Connection", "close"))
                // The WebGPU test page (another port) fetches the model from here.
                .with_header(header("Access-Control-Allow-Origin", "*")),
            // A 404 needs the CORS header too: without it the browser reports
            // a network failure instead of "not found", and a page loading a
            // model from this origin cannot tell a missing optional file
            // (manifest.json) from a dead server.
            None => Response::from_string("not found")
                .with_status_code(404)
                .with_header(header("Connection", "close"))
                .with_header(header("Access-Control-Allow-Origin", "*")),
        };
        // A client that hung up is not our problem.
        let _ = request.respond(response);
    }
}

/// Maps a request path to a file under `dist`, refusing anything that would
/// leave it; `/` and directories mean their `index.html`.
fn resolve(dist: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut out = dist.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    out.is_file().then_some(out)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_root() {
        let dist = std::env::temp_dir();
        assert_eq!(resolve(&dist, "/../etc/passwd"), None);
        assert_eq!(resolve(&dist, "/a/../../b"), None);
    }

    #[test]
    fn wasm_is_served_as_wasm() {
        assert_eq!(content_type(Path::new("x_bg.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
    }
}
