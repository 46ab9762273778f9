//! The draw notice as a browser shows and prints it: headless Chromium
//! lays the page out and prints it to PDF.
//!
//! Two runs of Chromium, a few seconds in all:
//!
//! 1. `--print-to-pdf`: the page prints (a PDF comes out), on A4 pages (the
//!    MediaBox of every page is 595 × 842 points, from `@page { size: A4 }`),
//!    and on few of them (a three-entity draw fits on at most four pages).
//! 2. `--dump-dom` of a copy of the page with a measuring script added at
//!    the end of the body (the published page itself has no script): after
//!    layout, at the width of an A4 sheet, no element sticks out of the
//!    sheet's printable width, the drawn list has one rendered row per
//!    drawn entity, the chart has a size, and the drawn list's rendered text
//!    (`innerText`, which leaves out anything hidden) has no credit-class
//!    column or value.
//!
//! Layout is measured instead of comparing screenshots: a screenshot
//! depends on the fonts a machine has, the measurements above do not.
//!
//! Chromium is found as `$DR_CHROMIUM`, else `chromium`, `chromium-browser`
//! or `google-chrome` on the `PATH`. Without it the test fails, with a
//! message saying how to install it, unless `DR_SKIP_BROWSER=1` is set
//! (never in CI: `.ci/run` installs Debian's `chromium`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const SIGNATURE: &str = "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92";

mod fixtures;
use fixtures::example;

fn run(dir: &Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| (*s).to_owned()).collect()
}

fn registers() -> Vec<String> {
    let mut v = Vec::new();
    for (flag, file) in [
        ("--entities", "entities.csv"),
        ("--inspectors", "inspectors.csv"),
        ("--conflicts", "conflicts.csv"),
        ("--items", "items.csv"),
    ] {
        v.push(flag.to_owned());
        v.push(example(file).display().to_string());
    }
    v
}

/// Chromium's path, or `None` when the test is explicitly skipped.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DR_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Some(dirs) = std::env::var_os("PATH") {
            for d in std::env::split_paths(&dirs) {
                let p = d.join(name);
                if p.is_file() {
                    return Some(p);
                }
            }
        }
    }
    if std::env::var("DR_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("notice_browser: SKIPPED (DR_SKIP_BROWSER=1): Chromium not found");
        return None;
    }
    panic!(
        "the notice's browser check needs headless Chromium and found none \
         (looked for $DR_CHROMIUM, chromium, chromium-browser, google-chrome on PATH). \
         Install it (Debian: apt-get install -y chromium) or set DR_SKIP_BROWSER=1 to skip \
         this check explicitly."
    );
}

/// Runs Chromium headless with the flags that keep it off the network, a
/// fresh profile, and a deadline.
fn headless(chrome: &Path, profile: &Path, extra: &[String]) -> Output {
    let mut cmd = Command::new(chrome);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        "--mute-audio",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("Chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

/// The MediaBox sizes of the PDF's pages. Chromium writes each page as an
/// uncompressed object `N 0 obj <</Type /Page … /MediaBox [0 0 W H] …>>
/// endobj` (only content streams are compressed), so the page objects are
/// found as text; `/Type /Pages` is the page tree, not a page.
fn pdf_pages(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.split("endobj")
        .filter(|obj| {
            obj.match_indices("/Type /Page")
                .any(|(i, m)| !obj[i + m.len()..].starts_with('s'))
        })
        .map(|obj| {
            let nums: Vec<f64> = obj
                .split("/MediaBox")
                .nth(1)
                .and_then(|m| Some(&m[m.find('[')? + 1..m.find(']')?]))
                .map(|n| {
                    n.split_whitespace()
                        .filter_map(|x| x.parse().ok())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(nums.len(), 4, "a page without a MediaBox");
            (nums[2] - nums[0], nums[3] - nums[1])
        })
        .collect()
}

/// Added to a copy of the page: measures the layout and writes the result,
/// as JSON, into `<pre id="probe">`.
const PROBE: &str = r#"<script>
(function () {
  var sheet = document.querySelector("main.sheet");
  var s = getComputedStyle(sheet);
  var box = sheet.getBoundingClientRect();
  var left = box.left + parseFloat(s.paddingLeft) - 1;
  var right = box.right - parseFloat(s.paddingRight) + 1;
  var over = [];
  sheet.querySelectorAll("*").forEach(function (e) {
    var r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    if (r.right > right || r.left < left) {
      over.push(e.tagName.toLowerCase() + "." + e.className + " " + Math.round(r.left) + ".." + Math.round(r.right));
    }
  });
  var drawn = document.querySelector("table.drawn");
  var rows = Array.prototype.filter.call(drawn.querySelectorAll("tbody tr"), function (r) {
    return r.getBoundingClientRect().height > 0;
  }).length;
  var svg = document.querySelector("figure svg").getBoundingClientRect();
  var out = {
    sheet_width_px: box.width,
    printable: [left, right],
    overflowing: over,
    drawn_rows: rows,
    drawn_header: drawn.querySelector("thead").innerText,
    drawn_text: drawn.innerText,
    chart: [svg.width, svg.height],
    title: document.querySelector("h1").innerText
  };
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"#;

#[test]
fn notice_renders_in_chromium_fits_a4_and_shows_no_class() {
    let Some(chrome) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let p = dir.path();
    ok(run(
        p,
        &args(&["keygen", "--issuer", "阳城县水务局", "--out", "key"]),
    ));
    let mut commit = args(&[
        "commit",
        "--chain",
        "chain.jsonl",
        "--key",
        "key.key",
        "--task",
        &example("tasks/joint-works.toml").display().to_string(),
        "--randomness-plan",
        "drand:quicknet:123",
        "--created-at",
        "2023-08-23T15:10:00Z",
    ]);
    commit.extend(registers());
    ok(run(p, &commit));
    let mut draw = args(&[
        "draw",
        "--json",
        "--chain",
        "chain.jsonl",
        "--key",
        "key.key",
        "--beacon-signature",
        SIGNATURE,
        "--unwitnessed",
        "--created-at",
        "2023-08-23T15:16:00Z",
    ]);
    draw.extend(registers());
    let d: Value = serde_json::from_str(&ok(run(p, &draw))).expect("JSON");
    let drawn = d["teams"].as_array().expect("teams").len();
    let classes: Vec<String> = ["A", "B", "C", "D"]
        .iter()
        .filter(|c| d["drawn"][**c].as_array().is_some_and(|v| !v.is_empty()))
        .map(|c| (*c).to_owned())
        .collect();
    let mut notice = args(&[
        "notice",
        "--chain",
        "chain.jsonl",
        "--public-key",
        "key.pub",
        "--out",
        "notice.html",
    ]);
    for (flag, file) in [
        ("--entities", "entities.csv"),
        ("--inspectors", "inspectors.csv"),
        ("--items", "items.csv"),
    ] {
        notice.push(flag.to_owned());
        notice.push(example(file).display().to_string());
    }
    ok(run(p, &notice));
    let page = p.join("notice.html");

    // 1. Print to PDF: A4 pages, few of them.
    let pdf = p.join("notice.pdf");
    let o = headless(
        &chrome,
        &p.join("profile-pdf"),
        &[
            "--no-pdf-header-footer".to_owned(),
            format!("--print-to-pdf={}", pdf.display()),
            format!("file://{}", page.display()),
        ],
    );
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| {
        panic!(
            "Chromium wrote no PDF ({e}); it said: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let pages = pdf_pages(&bytes);
    assert!(
        (1..=4).contains(&pages.len()),
        "{} pages for a {drawn}-entity draw with teams of four",
        pages.len()
    );
    for (w, h) in &pages {
        // A4 is 595.28 × 841.89 points; Chromium rounds to whole pixels.
        assert!(
            (594.0..=597.0).contains(w) && (841.0..=843.5).contains(h),
            "a page of {w} × {h} points, not A4"
        );
    }

    // 2. Layout at the width of an A4 sheet (210 mm = 794 CSS px).
    let html = std::fs::read_to_string(&page).expect("the page");
    assert!(
        !html.contains("<script"),
        "the published page has no script"
    );
    let probe = p.join("probe.html");
    std::fs::write(&probe, html.replace("</body>", &format!("{PROBE}</body>"))).expect("write");
    let o = headless(
        &chrome,
        &p.join("profile-dom"),
        &[
            "--window-size=794,1123".to_owned(),
            "--virtual-time-budget=2000".to_owned(),
            "--dump-dom".to_owned(),
            format!("file://{}", probe.display()),
        ],
    );
    let dom = String::from_utf8_lossy(&o.stdout);
    let json = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| {
            panic!(
                "the measuring script did not run; Chromium said: {}",
                String::from_utf8_lossy(&o.stderr)
            )
        })
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let m: Value = serde_json::from_str(&json).expect("the probe's JSON");
    let width = m["sheet_width_px"].as_f64().expect("width");
    assert!((790.0..=798.0).contains(&width), "sheet {width} px wide");
    assert_eq!(
        m["overflowing"].as_array().map(Vec::len),
        Some(0),
        "elements wider than the A4 sheet's printable width: {}",
        m["overflowing"]
    );
    assert_eq!(m["drawn_rows"].as_u64(), Some(drawn as u64));
    let chart = m["chart"].as_array().expect("chart");
    assert!(chart.iter().all(|v| v.as_f64().is_some_and(|x| x > 10.0)));
    assert!(
        m["title"]
            .as_str()
            .is_some_and(|t| t.contains("随机抽取结果公示"))
    );
    // No class column or class value in what the reader sees of the list.
    let header = m["drawn_header"].as_str().expect("header");
    assert!(
        !header.contains("分类") && !header.contains("Class"),
        "{header}"
    );
    let text = m["drawn_text"].as_str().expect("text");
    for c in &classes {
        for cell in text.lines().flat_map(|l| l.split('\t')) {
            assert_ne!(cell.trim(), c.as_str(), "a class cell in: {text}");
        }
    }
    for name in ["低风险", "一般风险", "较高风险", "高风险"] {
        assert!(!text.contains(name), "{name} in: {text}");
    }
}
