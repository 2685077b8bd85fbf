//! The WebDriver protocol, the parts we use.

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
const CHROMIUM: &str = "/usr/bin/chromium";

/// One chromedriver process with one headless Chromium session.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    user_data: std::path::PathBuf,
}

#[derive(Clone, Debug)]
pub struct Element(String);

impl Element {
    /// The element as a script argument.
    pub fn to_json(&self) -> Value {
        json!({ ELEMENT_KEY: self.0 })
    }
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium (new profile, no
    /// network chatter, no WebGPU) with the given window size.
    pub fn start(width: u32, height: u32) -> Result<Browser> {
        Self::start_with(width, height, None, false)
    }

    /// Like [`Browser::start`]; downloads go to `downloads` when given.
    pub fn start_with_downloads(
        width: u32,
        height: u32,
        downloads: Option<&Path>,
    ) -> Result<Browser> {
        Self::start_with(width, height, downloads, false)
    }

    /// Like [`Browser::start`], with WebGPU (`--enable-unsafe-webgpu`:
    /// SwiftShader where there is no GPU). Only the WebGPU tests ask for it:
    /// everywhere else the model runs on the CPU, as on a browser without
    /// WebGPU, and an emulated GPU does not compete for the test machine's
    /// cores.
    pub fn start_with_webgpu(width: u32, height: u32) -> Result<Browser> {
        Self::start_with(width, height, None, true)
    }

    fn start_with(
        width: u32,
        height: u32,
        downloads: Option<&Path>,
        webgpu: bool,
    ) -> Result<Browser> {
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = free_port()?;
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {chromedriver}"))?;
        let base = format!("http://127.0.0.1:{port}");
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(120))
            .build();
        let user_data =
            std::env::temp_dir().join(format!("attend-e2e-{port}-{}", std::process::id()));
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            agent,
            user_data,
        };
        browser.wait_for_driver()?;
        // Desktop Chromium will not make a window narrower than about 500 px;
        // phone widths are emulated so the page really gets 360 CSS px.
        let mobile = (width < 500).then(
            || json!({ "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 } }),
        );
        let mut caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:loggingPrefs": { "browser": "ALL" },
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "prefs": {
                        "download.default_directory": downloads.map(|d| d.display().to_string()).unwrap_or_default(),
                        "download.prompt_for_download": false,
                    },
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--disable-dev-shm-usage",
                        "--hide-scrollbars", "--force-device-scale-factor=1",
                        format!("--window-size={width},{height}"),
                        format!("--user-data-dir={}", browser.user_data.display()),
                    ]
                }
            }}
        });
        if webgpu {
            if let Some(args) =
                caps["capabilities"]["alwaysMatch"]["goog:chromeOptions"]["args"].as_array_mut()
            {
                args.push(json!("--enable-unsafe-webgpu"));
            }
        }
        if let Some(metrics) = mobile {
            caps["capabilities"]["alwaysMatch"]["goog:chromeOptions"]["mobileEmulation"] = metrics;
        }
        let created = browser.call("POST", "/session", Some(caps))?;
        browser.session = created["sessionId"]
            .as_str()
            .context("chromedriver returned no session id")?
            .to_string();
        Ok(browser)
    }

    fn wait_for_driver(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(resp) = self.agent.get(&format!("{}/status", self.base)).call() {
                if resp
                    .into_json::<Value>()
                    .ok()
                    .and_then(|v| v["value"]["ready"].as_bool())
                    == Some(true)
                {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        bail!("chromedriver did not become ready in 20 s")
    }

    /// One WebDriver command; returns its `value` or the driver's error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let url = if path == "/session" {
            format!("{}{path}", self.base)
        } else {
            format!("{}/session/{}{path}", self.base, self.session)
        };
        let request = self.agent.request(method, &url);
        let response = match body {
            Some(body) => request.send_json(body),
            None if method == "POST" => request.send_json(json!({})),
            None => request.call(),
        };
        let value: Value = match response {
            Ok(resp) => resp.into_json()?,
            Err(ureq::Error::Status(_, resp)) => {
                let v: Value = resp.into_json().unwrap_or(Value::Null);
                bail!(
                    "WebDriver {method} {path}: {}",
                    v["value"]["message"].as_str().unwrap_or("error")
                )
            }
            Err(e) => return Err(anyhow!("WebDriver {method} {path}: {e}")),
        };
        Ok(value["value"].clone())
    }

    pub fn goto(&self, url: &str) -> Result<()> {
        self.call("POST", "/url", Some(json!({ "url": url })))?;
        Ok(())
    }

    pub fn refresh(&self) -> Result<()> {
        self.call("POST", "/refresh", None)?;
        Ok(())
    }

    pub fn current_url(&self) -> Result<String> {
        Ok(self
            .call("GET", "/url", None)?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    pub fn find(&self, css: &str) -> Result<Element> {
        let v = self.call(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        )?;
        v[ELEMENT_KEY]
            .as_str()
            .map(|id| Element(id.to_string()))
            .with_context(|| format!("no element matches {css}"))
    }

    pub fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let v = self.call(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        )?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str())
                    .map(|id| Element(id.to_string()))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Waits (polling) until `css` matches, up to `timeout`.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.find(css) {
                Ok(el) => return Ok(el),
                Err(e) if Instant::now() >= deadline => {
                    return Err(e.context(format!("waited {timeout:?}")))
                }
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    /// Polls `probe` until it returns Some, up to `timeout`.
    pub fn wait_until<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut probe: impl FnMut() -> Result<Option<T>>,
    ) -> Result<T> {
        let deadline = Instant::now() + timeout;
        let mut last_err = None;
        while Instant::now() < deadline {
            match probe() {
                Ok(Some(v)) => return Ok(v),
                Ok(None) => {}
                Err(e) => last_err = Some(e),
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        match last_err {
            Some(e) => Err(e.context(format!("timed out waiting for {what}"))),
            None => bail!("timed out after {timeout:?} waiting for {what}"),
        }
    }

    pub fn click(&self, el: &Element) -> Result<()> {
        self.call("POST", &format!("/element/{}/click", el.0), None)?;
        Ok(())
    }

    pub fn clear(&self, el: &Element) -> Result<()> {
        self.call("POST", &format!("/element/{}/clear", el.0), None)?;
        Ok(())
    }

    pub fn send_keys(&self, el: &Element, text: &str) -> Result<()> {
        self.call(
            "POST",
            &format!("/element/{}/value", el.0),
            Some(json!({ "text": text })),
        )?;
        Ok(())
    }

    /// Replaces an input's text as a person would (select all, type) and
    /// commits it with Enter, which fires `change` once. (WebDriver's
    /// "clear" would fire a `change` with an empty value first.)
    pub fn set_input(&self, el: &Element, text: &str) -> Result<()> {
        // Control+A selects all; U+E000 releases the modifier.
        self.send_keys(el, &format!("\u{E009}a\u{E000}{text}\u{E007}"))
    }

    pub fn attr(&self, el: &Element, name: &str) -> Result<Option<String>> {
        let v = self.call("GET", &format!("/element/{}/attribute/{name}", el.0), None)?;
        Ok(v.as_str().map(str::to_string))
    }

    pub fn text(&self, el: &Element) -> Result<String> {
        Ok(self
            .call("GET", &format!("/element/{}/text", el.0), None)?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs an async script: the last argument is the callback to call with
    /// the result.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Sets how long `execute_async` may take.
    pub fn set_script_timeout(&self, timeout: Duration) -> Result<()> {
        self.call(
            "POST",
            "/timeouts",
            Some(json!({ "script": timeout.as_millis() as u64 })),
        )?;
        Ok(())
    }

    /// One command of Chromium's DevTools protocol on the page (which
    /// chromedriver relays); returns its result.
    pub fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        self.call(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": cmd, "params": params })),
        )
    }

    /// Runs `script` in every document this session opens from now on,
    /// before the page's own scripts.
    pub fn on_new_document(&self, script: &str) -> Result<()> {
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": script }),
        )?;
        Ok(())
    }

    /// A full garbage collection in the page (DevTools protocol), so that
    /// a heap reading counts what is kept, not what is merely not yet freed.
    pub fn collect_garbage(&self) -> Result<()> {
        self.cdp("HeapProfiler.collectGarbage", json!({}))?;
        Ok(())
    }

    /// Limits the storage `origin` (`http://host:port`) may use to
    /// `bytes` (DevTools protocol), as a nearly full disk or a small
    /// device's quota would.
    pub fn limit_storage(&self, origin: &str, bytes: u64) -> Result<()> {
        self.cdp(
            "Storage.overrideQuotaForOrigin",
            json!({ "origin": origin, "quotaSize": bytes }),
        )?;
        Ok(())
    }

    /// Presses one key on whatever has focus (WebDriver key codes, e.g. "\u{E014}" for →).
    pub fn press(&self, key: &str) -> Result<()> {
        let actions = json!({ "actions": [{
            "type": "key", "id": "keyboard",
            "actions": [{ "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }]
        }]});
        self.call("POST", "/actions", Some(actions))?;
        Ok(())
    }

    /// Moves the mouse to (`dx`, `dy`) CSS pixels from the element's centre.
    pub fn hover(&self, el: &Element, dx: i64, dy: i64) -> Result<()> {
        let actions = json!({ "actions": [{
            "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" },
            "actions": [{ "type": "pointerMove", "duration": 0, "x": dx, "y": dy,
                          "origin": { ELEMENT_KEY: el.0 } }]
        }]});
        self.call("POST", "/actions", Some(actions))?;
        Ok(())
    }

    pub fn scroll_into_view(&self, el: &Element) -> Result<()> {
        self.execute(
            "arguments[0].scrollIntoView({block: 'center'})",
            vec![el.to_json()],
        )?;
        Ok(())
    }

    pub fn set_window_size(&self, width: u32, height: u32) -> Result<()> {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )?;
        Ok(())
    }

    pub fn screenshot(&self, path: &Path) -> Result<()> {
        let b64 = self.call("GET", "/screenshot", None)?;
        let png =
            base64::engine::general_purpose::STANDARD.decode(b64.as_str().unwrap_or_default())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, png)?;
        Ok(())
    }

    /// Console messages at level SEVERE (errors, uncaught exceptions, panics)
    /// since the last call.
    pub fn console_errors(&self) -> Result<Vec<String>> {
        let logs = self.call("POST", "/se/log", Some(json!({ "type": "browser" })))?;
        Ok(logs
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e["level"].as_str() == Some("SEVERE"))
                    .map(|e| e["message"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Fails the test if the page logged any error other than a 404 of a
    /// file under `base` (a model folder may lack optional files such as
    /// `manifest.json`, and the browser logs every missing one).
    pub fn assert_no_console_errors_but_404s_from(&self, base: &str) -> Result<()> {
        let errors: Vec<String> = self
            .console_errors()?
            .into_iter()
            .filter(|e| !(e.contains(base) && e.contains("404")))
            .collect();
        if !errors.is_empty() {
            bail!("the page logged errors:\n{}", errors.join("\n"));
        }
        Ok(())
    }

    /// Fails the test if the page logged any error.
    pub fn assert_no_console_errors(&self) -> Result<()> {
        let errors = self.console_errors()?;
        if !errors.is_empty() {
            bail!("the page logged errors:\n{}", errors.join("\n"));
        }
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("{}/session/{}", self.base, self.session);
            if let Err(e) = self.agent.delete(&url).call() {
                eprintln!("closing the browser session: {e}");
            }
        }
        if let Err(e) = self.driver.kill() {
            eprintln!("stopping chromedriver: {e}");
        }
        if let Err(e) = self.driver.wait() {
            eprintln!("waiting for chromedriver: {e}");
        }
        // A session that could not be closed (a page that hung) leaves its
        // Chromium running without chromedriver: find it by its profile.
        kill_processes_using(&self.user_data);
        if let Err(e) = std::fs::remove_dir_all(&self.user_data) {
            if e.kind() != std::io::ErrorKind::NotFound {
                eprintln!("removing {}: {e}", self.user_data.display());
            }
        }
    }
}

/// Kills the processes whose command line names `profile` (Linux `/proc`).
fn kill_processes_using(profile: &Path) {
    let needle = format!("--user-data-dir={}", profile.display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let names_profile = cmdline
            .split(|&b| b == 0)
            .any(|arg| arg == needle.as_bytes());
        if names_profile {
            match Command::new("kill").args(["-9", &pid.to_string()]).status() {
                Ok(status) if status.success() => {}
                Ok(_) => {} // it exited meanwhile
                Err(e) => eprintln!("kill {pid}: {e}"),
            }
        }
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
