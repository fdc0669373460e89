//! `amur serve` over raw HTTP (std's TcpStream, nothing between the test and the server): every
//! rule of "safe on a shared computer" (token, Host, Origin, upload limits, names that are no
//! paths, cut-short and malformed requests, alignments that fail alone), and the core path:
//! upload a docx and an HTML file, align, save edits, find them after a restart, export the same
//! TMX as `amur align`.

mod common;

use common::{docx_of, html_of, zip_file};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_amur");

/// A running `amur serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    token: String,
}

impl Server {
    fn start(data: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--no-browser", "--port", "0", "--data"])
            .arg(data)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim();
        let rest = url
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("first line {url:?}"));
        let (port, token) = rest.split_once("/?token=").unwrap();
        assert_eq!(token.len(), 32, "{url}");
        Server {
            child,
            port: port.parse().unwrap(),
            token: token.to_string(),
        }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `path` with the token in its query.
    fn with_token(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}token={}", self.token)
    }

    /// Sends raw bytes, reads the answer to the end.
    fn raw(&self, request: &[u8]) -> Reply {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s.write_all(request).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        Reply::parse(&out)
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        self.raw(&bytes)
    }

    fn get(&self, path: &str) -> Reply {
        let host = self.host();
        self.request("GET", &self.with_token(path), &[("Host", &host)], b"")
    }

    fn post(&self, path: &str, body: &[u8]) -> Reply {
        let (host, origin) = (self.host(), self.origin());
        self.request(
            "POST",
            &self.with_token(path),
            &[("Host", &host), ("Origin", &origin)],
            body,
        )
    }

    fn upload(&self, name: &str, bytes: &[u8]) -> i64 {
        let r = self.post(&format!("/api/files?name={}", encode(name)), bytes);
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["id"].as_i64().unwrap()
    }

    /// Starts aligning two uploaded files; returns the alignment's id.
    fn align(&self, zh: i64, en: i64) -> i64 {
        let r = self.post(
            "/api/alignments",
            serde_json::json!({"zh": zh, "en": en})
                .to_string()
                .as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["id"].as_i64().unwrap()
    }

    /// Waits for an alignment to finish; returns its summary.
    fn wait(&self, id: i64) -> Value {
        let start = Instant::now();
        loop {
            let s = self.get(&format!("/api/alignments/{id}")).json();
            if s["status"] == "done" || s["status"] == "failed" {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(120), "{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn parse(bytes: &[u8]) -> Reply {
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(bytes)));
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        Reply {
            status,
            head,
            body: bytes[split + 4..].to_vec(),
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {} {}", self.status, self.text()))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// An invented report in Chinese and its English translation, one paragraph a line.
fn report() -> (Vec<String>, Vec<String>) {
    let zh = [
        "江城图书馆今年春季开放了新的阅览室。馆长李明说，新阅览室可以容纳两百名读者。",
        "图书馆收藏了三万册中文图书和八千册外文图书。去年读者借出图书一万二千册。",
        "每周六上午，图书馆为儿童举办读书会。参加读书会的孩子越来越多。",
        "图书馆还开设了电脑课程，帮助老年读者使用网络。课程免费，每期十周。",
        "明年图书馆计划修建一个小型展览厅。展览厅将展出本地历史文献。",
        "馆长李明感谢市政府和读者的支持。他希望更多的市民来图书馆读书。",
    ];
    let en = [
        "This spring the Jiangcheng Library opened a new reading room. The director, Li Ming, said the new reading room can hold two hundred readers.",
        "The library holds thirty thousand Chinese books and eight thousand foreign books. Last year readers borrowed twelve thousand books.",
        "Every Saturday morning the library holds a reading club for children. More and more children take part in the reading club.",
        "The library also offers computer courses to help older readers use the internet. The courses are free, and each runs for ten weeks.",
        "Next year the library plans to build a small exhibition hall. The hall will show documents on local history.",
        "The director, Li Ming, thanked the city government and the readers for their support. He hopes that more citizens will come to the library to read.",
    ];
    (
        zh.iter().map(|s| s.to_string()).collect(),
        en.iter().map(|s| s.to_string()).collect(),
    )
}

#[test]
fn every_request_needs_the_token() {
    let data = tempfile::tempdir().unwrap();
    let s = Server::start(data.path(), &[]);
    let host = s.host();
    let no_token = s.request("GET", "/api/alignments", &[("Host", &host)], b"");
    assert_eq!(no_token.status, 401);
    let page = s.request("GET", "/", &[("Host", &host)], b"");
    assert_eq!(page.status, 401, "the app itself needs the token");
    let wrong = format!("/api/alignments?token={}", "0".repeat(32));
    assert_eq!(
        s.request("GET", &wrong, &[("Host", &host)], b"").status,
        401
    );
    // The first visit with the token sets the cookie and takes the token out of the address.
    let first = s.request(
        "GET",
        &format!("/?token={}", s.token),
        &[("Host", &host)],
        b"",
    );
    assert_eq!(first.status, 303);
    assert_eq!(first.header("Location"), Some("/"));
    let cookie = first.header("Set-Cookie").unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap();
    let with_cookie = s.request("GET", "/", &[("Host", &host), ("Cookie", pair)], b"");
    assert_eq!(with_cookie.status, 200);
    let csp = with_cookie.header("Content-Security-Policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert!(with_cookie.text().contains("<h1>amur</h1>"));
    let bad_cookie = pair.replace(&s.token, &"f".repeat(32));
    let r = s.request("GET", "/", &[("Host", &host), ("Cookie", &bad_cookie)], b"");
    assert_eq!(r.status, 401);
}

#[test]
fn host_must_be_the_servers_own() {
    let data = tempfile::tempdir().unwrap();
    let s = Server::start(data.path(), &[]);
    let path = s.with_token("/api/alignments");
    let localhost = format!("localhost:{}", s.port);
    assert_eq!(
        s.request("GET", &path, &[("Host", &localhost)], b"").status,
        200
    );
    for bad in [
        format!("rebound.example:{}", s.port),
        "127.0.0.1".to_string(),
        format!("127.0.0.1:{}", s.port + 1),
    ] {
        let r = s.request("GET", &path, &[("Host", &bad)], b"");
        assert_eq!(r.status, 403, "Host {bad}");
    }
    assert_eq!(s.request("GET", &path, &[], b"").status, 403, "no Host");
}

#[test]
fn changes_only_from_the_apps_own_origin() {
    let data = tempfile::tempdir().unwrap();
    let s = Server::start(data.path(), &[]);
    let host = s.host();
    let path = s.with_token("/api/files?name=a.txt");
    let evil = s.request(
        "POST",
        &path,
        &[("Host", &host), ("Origin", "http://evil.example")],
        b"text",
    );
    assert_eq!(evil.status, 403);
    let none = s.request("POST", &path, &[("Host", &host)], b"text");
    assert_eq!(none.status, 403, "a change must say where it comes from");
    let origin = s.origin();
    let cross = s.request(
        "POST",
        &path,
        &[
            ("Host", &host),
            ("Origin", &origin),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        b"text",
    );
    assert_eq!(cross.status, 403);
    let ok = s.request(
        "POST",
        &path,
        &[("Host", &host), ("Origin", &origin)],
        b"text",
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
}

#[test]
fn uploads_are_limited_and_must_arrive_whole() {
    let data = tempfile::tempdir().unwrap();
    let s = Server::start(data.path(), &["--max-upload", "1"]);
    let (host, origin) = (s.host(), s.origin());
    let path = s.with_token("/api/files?name=big.txt");
    // Refused on the header alone: the 2 MiB body is never sent.
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nConnection: close\r\n\
         Content-Length: {}\r\n\r\n",
        2 << 20
    );
    let r = s.raw(head.as_bytes());
    assert_eq!(r.status, 413);
    assert!(r.text().contains("--max-upload"), "{}", r.text());
    // Without a length (chunked), the limit holds as the body arrives.
    let mut chunked = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nConnection: close\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    let chunk = vec![b'a'; 1 << 16];
    for _ in 0..20 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(s.raw(&chunked).status, 413);
    // A body cut short (the client stops after half of what it announced) is refused, and
    // the server goes on. (tiny_http reads bodies under 1 KiB itself and closes the connection
    // of a short one without an answer; a longer one reaches amur.)
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nConnection: close\r\n\
         Content-Length: 100000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&[b'x'; 50000]).unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    let r = Reply::parse(&out);
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("cut short: 50000 of 100000"),
        "{}",
        r.text()
    );
    // Under the limit is fine.
    let id = s.upload("small.txt", &[b'a'; 1000]);
    assert!(id > 0);
}

#[test]
fn an_uploaded_name_is_never_a_path() {
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("a/b/data");
    let s = Server::start(&data, &[]);
    let (zh, en) = report();
    let r = s.post("/api/files?name=..%2F..%2Fx", zh.join("\n").as_bytes());
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["name"], "x");
    let zh_id = r.json()["id"].as_i64().unwrap();
    let en_id = s.upload("../../../../y.html", &html_of(&en));
    let id = s.align(zh_id, en_id);
    let summary = s.wait(id);
    assert_eq!(summary["status"], "done", "{summary}");
    assert_eq!(summary["zh_name"], "x");
    assert_eq!(summary["en_name"], "y.html");
    // Nothing was written beside or above the data folder, and the temporary files are gone.
    for dir in [
        work.path().join("a"),
        work.path().join("a/b"),
        work.path().to_path_buf(),
    ] {
        for name in ["x", "y.html"] {
            assert!(!dir.join(name).exists(), "{}", dir.join(name).display());
        }
    }
    let mut left: Vec<String> = walk(&data);
    left.sort();
    assert_eq!(left, ["amur.sqlite", "tmp"], "{left:?}");
}

/// Names of the files and folders under `dir`, recursively.
fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        out.push(e.file_name().to_string_lossy().into_owned());
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        }
    }
    out
}

#[test]
fn malformed_requests_get_errors_and_the_server_goes_on() {
    let data = tempfile::tempdir().unwrap();
    let s = Server::start(data.path(), &[]);
    let garbage = s.raw(b"\x00\x01 nonsense\r\n\r\n");
    assert!((400..500).contains(&garbage.status), "{}", garbage.status);
    for (path, body, status) in [
        ("/api/alignments", &b"{not json"[..], 400),
        ("/api/alignments", br#"{"zh": 1}"#, 400),
        ("/api/alignments", br#"{"zh": 998, "en": 999}"#, 400),
        (
            "/api/alignments/77/beads",
            br#"{"version": 1, "beads": []}"#,
            404,
        ),
        ("/api/alignments/abc/beads", b"{}", 404),
        ("/api/batch", br#"{"files": "x"}"#, 400),
    ] {
        let r = s.post(path, body);
        assert_eq!(r.status, status, "{path} {}", r.text());
        assert!(r.json()["error"].is_string());
    }
    assert_eq!(s.get("/api/nothing").status, 404);
    let pdf = s.get("/api/alignments/5/export?format=pdf");
    assert_eq!(pdf.status, 400);
    assert!(pdf.text().contains("pdf"), "{}", pdf.text());
    assert_eq!(s.get("/api/alignments/5/export?format=tmx").status, 404);
    assert_eq!(s.get("/api/alignments").status, 200, "still serving");
}

#[test]
fn two_alignments_at_once_and_a_failing_one_fails_alone() {
    let data = tempfile::tempdir().unwrap();
    let s = Server::start(data.path(), &[]);
    let (zh, en) = report();
    let zh_doc = docx_of(&zh);
    let en_doc = html_of(&en);
    // A docx whose document unpacks to 60 MB of spaces: the limits amur align enforces refuse it.
    let mut body = b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>".to_vec();
    body.extend(std::iter::repeat_n(b' ', 60_000_000));
    let bomb = zip_file(&[("word/document.xml", body)]);
    let ids = [
        (
            s.upload("good.zh.docx", &zh_doc),
            s.upload("good.en.html", &en_doc),
        ),
        (
            s.upload("bomb.zh.docx", &bomb),
            s.upload("bomb.en.html", &en_doc),
        ),
        (
            s.upload("again.zh.docx", &zh_doc),
            s.upload("again.en.html", &en_doc),
        ),
    ];
    let started: Vec<i64> = ids.iter().map(|&(z, e)| s.align(z, e)).collect();
    let done: Vec<Value> = started.iter().map(|&id| s.wait(id)).collect();
    assert_eq!(done[0]["status"], "done", "{}", done[0]);
    assert_eq!(done[2]["status"], "done", "{}", done[2]);
    assert_eq!(done[0]["bead_count"], done[2]["bead_count"]);
    assert_eq!(done[1]["status"], "failed");
    // The message is amur align's, naming the uploaded file.
    let dir = tempfile::tempdir().unwrap();
    let zh_path = dir.path().join("bomb.zh.docx");
    let en_path = dir.path().join("bomb.en.html");
    std::fs::write(&zh_path, &bomb).unwrap();
    std::fs::write(&en_path, &en_doc).unwrap();
    let out = Command::new(BIN)
        .arg("align")
        .arg(&zh_path)
        .arg(&en_path)
        .arg("-o")
        .arg(dir.path().join("x.tmx"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let align_err = String::from_utf8_lossy(&out.stderr)
        .trim()
        .strip_prefix("amur: error: ")
        .unwrap()
        .replace(&zh_path.display().to_string(), "bomb.zh.docx");
    assert_eq!(done[1]["message"], align_err.as_str());
    // Several pairs by name, as amur batch pairs them.
    let files = [
        s.upload("a.zh.docx", &zh_doc),
        s.upload("a.en.html", &en_doc),
        s.upload("b.zh.docx", &zh_doc),
        s.upload("b.en.html", &en_doc),
        s.upload("lonely.zh.txt", zh.join("\n").as_bytes()),
    ];
    let r = s.post(
        "/api/batch",
        serde_json::json!({"files": files}).to_string().as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let batch = r.json();
    assert_eq!(batch["ids"].as_array().unwrap().len(), 2);
    assert!(
        batch["warnings"][0]
            .as_str()
            .unwrap()
            .contains("lonely.zh.txt")
    );
    let ids: Vec<i64> = batch["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    for &id in &ids {
        assert_eq!(s.wait(id)["status"], "done");
    }
    let merged = s.get(&format!("/api/export?ids={},{}", ids[0], ids[1]));
    assert_eq!(merged.status, 200);
    let tmx = merged.text();
    let units = tmx.matches("<tu ").count();
    assert_eq!(
        units,
        2 * done[0]["bead_count"].as_u64().unwrap() as usize,
        "{tmx}"
    );
    assert!(tmx.contains(r#"<prop type="x-document">a</prop>"#));
    assert!(tmx.contains(r#"<prop type="x-document">b</prop>"#));
}

/// The TMX without its dates (which differ between two exports).
fn dateless(tmx: &str) -> String {
    let mut out = String::new();
    let mut rest = tmx;
    while let Some(i) = rest.find("creationdate=\"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 14..];
        rest = &after[after.find('"').unwrap() + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_review_survives_a_restart_and_exports_as_amur_align() {
    let data = tempfile::tempdir().unwrap();
    let (zh, en) = report();
    let (zh_doc, en_doc) = (docx_of(&zh), html_of(&en));
    let id;
    let version;
    let beads: Vec<Value>;
    {
        let s = Server::start(data.path(), &[]);
        let z = s.upload("library.zh.docx", &zh_doc);
        let e = s.upload("library.en.html", &en_doc);
        id = s.align(z, e);
        let summary = s.wait(id);
        assert_eq!(summary["status"], "done", "{summary}");
        // Unchanged, the export is amur align's TMX for the same files.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("library.zh.docx"), &zh_doc).unwrap();
        std::fs::write(dir.path().join("library.en.html"), &en_doc).unwrap();
        for units in ["bead", "sentence"] {
            let out = Command::new(BIN)
                .current_dir(dir.path())
                .args([
                    "align",
                    "library.zh.docx",
                    "library.en.html",
                    "-q",
                    "-o",
                    "x.tmx",
                ])
                .args(["--tmx-units", units])
                .status()
                .unwrap();
            assert!(out.success());
            let cli = std::fs::read_to_string(dir.path().join("x.tmx")).unwrap();
            let served = s.get(&format!(
                "/api/alignments/{id}/export?format=tmx&units={units}"
            ));
            assert_eq!(served.status, 200);
            assert!(
                served
                    .header("Content-Disposition")
                    .unwrap()
                    .contains("library.reviewed.tmx")
            );
            assert_eq!(dateless(&served.text()), dateless(&cli), "units {units}");
        }
        // The review page, with the server's address for edits.
        let page = s.get(&format!("/a/{id}"));
        assert_eq!(page.status, 200);
        let html = page.text();
        let data_json = &html[html.find("id=\"amur-data\">").unwrap() + 15..];
        let data_json: Value =
            serde_json::from_str(&data_json[..data_json.find("</script>").unwrap()]).unwrap();
        version = data_json["server"]["version"].as_i64().unwrap();
        // Merge the first two beads and check the result, as the page sends it.
        let b = &data_json["beads"];
        let n = b.as_array().unwrap().len();
        assert!(n >= 3);
        let mut rows = vec![serde_json::json!([
            b[0]["zh"][0],
            b[1]["zh"][1],
            b[0]["en"][0],
            b[1]["en"][1],
            0.5,
            true,
            true
        ])];
        for k in 2..n {
            rows.push(serde_json::json!([
                b[k]["zh"][0],
                b[k]["zh"][1],
                b[k]["en"][0],
                b[k]["en"][1],
                b[k]["confidence"],
                false,
                false
            ]));
        }
        beads = rows;
        let body = serde_json::json!({"version": version, "beads": beads}).to_string();
        let saved = s.post(&format!("/api/alignments/{id}/beads"), body.as_bytes());
        assert_eq!(saved.status, 200, "{}", saved.text());
        assert_eq!(saved.json()["version"], version + 1);
        // A second tab with the old version is told, not silently overwritten.
        let stale = s.post(&format!("/api/alignments/{id}/beads"), body.as_bytes());
        assert_eq!(stale.status, 409);
        // Beads that do not cover the sentences are refused.
        let short = serde_json::json!({"version": version + 1, "beads": &beads[1..]}).to_string();
        assert_eq!(
            s.post(&format!("/api/alignments/{id}/beads"), short.as_bytes())
                .status,
            400
        );
    }
    let s = Server::start(data.path(), &[]);
    let list = s.get("/api/alignments").json();
    let a = &list["alignments"][0];
    assert_eq!(a["id"], id);
    assert_eq!(a["checked_count"], 1);
    assert_eq!(a["bead_count"].as_u64().unwrap() as usize, beads.len());
    let html = s.get(&format!("/a/{id}")).text();
    assert!(html.contains(&format!("\"version\":{}", version + 1)));
    assert!(
        html.contains("\"checked\":true,\"edited\":true"),
        "the merged bead is there"
    );
    let tmx = s
        .get(&format!("/api/alignments/{id}/export?format=tmx"))
        .text();
    assert_eq!(tmx.matches("x-checked").count(), 1);
    assert_eq!(tmx.matches("<tu ").count(), beads.len());
    let weak = s
        .get(&format!(
            "/api/alignments/{id}/export?format=tsv&weak=1&below=1.01"
        ))
        .text();
    assert_eq!(
        weak.lines().count(),
        beads.len(),
        "header + every bead but the checked one"
    );
    // Terms: extract, edit, export as TBX, align again steered by them.
    let t = s
        .post(&format!("/api/alignments/{id}/terms/extract"), b"{}")
        .json();
    assert!(t["terms"].is_array());
    let edited =
        serde_json::json!({"terms": [{"zh": "图书馆", "en": "library", "comment": "mine"}]});
    let r = s.post(
        &format!("/api/alignments/{id}/terms"),
        edited.to_string().as_bytes(),
    );
    assert_eq!(r.status, 200);
    let tbx = s
        .get(&format!("/api/alignments/{id}/terms/export?format=tbx"))
        .text();
    assert!(
        tbx.contains("图书馆") && tbx.contains("library") && tbx.contains("<martif"),
        "{tbx}"
    );
    let loaded = s.post(
        &format!("/api/alignments/{id}/terms/load?name=more.tsv"),
        "馆长\tdirector\n阅览室\n".as_bytes(),
    );
    assert_eq!(loaded.status, 200);
    assert_eq!(loaded.json()["terms"].as_array().unwrap().len(), 2);
    assert!(
        loaded.json()["problems"][0]
            .as_str()
            .unwrap()
            .contains("more.tsv: line 2")
    );
    let again = s
        .post(&format!("/api/alignments/{id}/realign"), b"{}")
        .json();
    let again = s.wait(again["id"].as_i64().unwrap());
    assert_eq!(again["status"], "done");
    assert_eq!(again["glossary_terms"], 2);
}
