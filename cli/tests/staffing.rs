//! Through the binary: `commit` refuses a workload cap that some draw could
//! not staff, and once a commitment is accepted, no randomness makes its
//! draw fail (the staffing guarantee of docs/spec/assignment.md).

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_double-random"))
        .env("DOUBLE_RANDOM_LANG", "en")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A GB 32100 code with a valid check character.
fn code(n: u32) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let first = format!("91140522MA{n:07}");
    let sum: u32 = first
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let v = ALPHABET.iter().position(|&a| a == b).unwrap() as u32;
            v * 3u32.pow(i as u32) % 31
        })
        .sum();
    let check = (31 - sum % 31) % 31;
    format!("{first}{}", ALPHABET[check as usize] as char)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn an_accepted_commitment_is_never_unstaffable() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 40 entities; a joint task of two sections, each officer of the works
    // section holding the safety tag; conflicts; a tight cap.
    let mut entities = String::from("uscc,name,credit_class,region,industry\n");
    for i in 0..40u32 {
        let class = ["B", "C", "C", "D"][(i % 4) as usize];
        entities += &format!("{},单位{i:02},{class},140522,水利工程\n", code(i));
    }
    let mut inspectors =
        String::from("id,name,department,expertise,cert_valid_from,cert_valid_to\n");
    for i in 0..3 {
        inspectors += &format!("GC{i:02},工程{i},工程股,质量安全,2020-01-01,2030-12-31\n");
        inspectors += &format!("SB{i:02},水保{i},水保股,,2020-01-01,2030-12-31\n");
    }
    let mut conflicts = String::from("inspector_id,uscc,reason\n");
    for (i, e) in [(0, 1), (1, 5), (2, 9), (0, 13)] {
        conflicts += &format!("GC{i:02},{},亲属关系\n", code(e));
    }
    let e = write(d, "entities.csv", &entities);
    let i = write(d, "inspectors.csv", &inspectors);
    let c = write(d, "conflicts.csv", &conflicts);
    let task = |cap: u32| {
        write(
            d,
            "task.toml",
            &format!(
                "id = \"GC-1\"\nname = \"工程质量联合抽查\"\ninitiating_department = \"工程股\"\n\
                 participating_departments = [\"水保股\"]\nrequired_expertise = [\"质量安全\"]\n\
                 team_size = 2\nworkload_cap = {cap}\ninspection_date = 2024-09-02\n\
                 [ratios]\nA = \"0%\"\nB = \"10%\"\nC = \"30%\"\nD = \"60%\"\n"
            ),
        )
    };
    let key = d.join("issuer").display().to_string();
    let o = run(&["keygen", "--issuer", "测试局", "--out", &key]);
    assert!(o.status.success(), "{}", text(&o));
    let key = format!("{key}.key");
    let chain = d.join("chain.jsonl").display().to_string();
    let commit = |task: &str, at: &str| {
        run(&[
            "commit",
            "--chain",
            &chain,
            "--key",
            &key,
            "--task",
            task,
            "--entities",
            &e,
            "--inspectors",
            &i,
            "--conflicts",
            &c,
            "--randomness-plan",
            "local",
            "--created-at",
            at,
        ])
    };

    // A cap of 1 cannot staff 17 draws with 3 officers per section.
    let o = commit(&task(1), "2024-08-01T00:00:00Z");
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("cap"), "{}", text(&o));
    // A refused first commitment leaves no empty chain file behind.
    assert!(!Path::new(&chain).exists());
    // The smallest cap the commit accepts.
    let mut cap = 1;
    loop {
        cap += 1;
        assert!(cap < 40, "no cap accepted");
        if commit(&task(cap), "2024-08-01T00:00:00Z").status.success() {
            break;
        }
    }
    // Then draw it with many randomness values: each draw succeeds, and the
    // next commitment of the task follows it.
    for n in 0..30u32 {
        if n > 0 {
            let at = format!("2024-08-{:02}T00:00:00Z", n + 1);
            let o = commit(&task(cap), &at);
            assert!(o.status.success(), "{}", text(&o));
        }
        let value = format!("{:08x}", 0x9e37_79b9u32.wrapping_mul(n + 1));
        let at = format!("2024-08-{:02}T01:00:00Z", n + 1);
        let o = run(&[
            "draw",
            "--chain",
            &chain,
            "--key",
            &key,
            "--randomness",
            &value,
            "--entities",
            &e,
            "--inspectors",
            &i,
            "--conflicts",
            &c,
            "--created-at",
            &at,
        ]);
        assert!(o.status.success(), "cap {cap}, draw {n}: {}", text(&o));
    }
    let public = key.replace(".key", ".pub");
    let o = run(&[
        "verify",
        "--chain",
        &chain,
        "--public-key",
        &public,
        "--entities",
        &e,
        "--inspectors",
        &i,
        "--conflicts",
        &c,
    ]);
    assert!(o.status.success(), "{}", text(&o));
}

/// The worked example's joint task: two sections, two key items needing two
/// tags (质量安全 of the works section, 水土保持 of the conservation
/// section), `team_size = 2`. One officer fills a section's place and its
/// tag at once, so every team is two officers covering both sections and
/// both tags (docs/spec/assignment.md §V2.1).
#[test]
fn a_joint_task_of_two_sections_and_two_tags_draws_teams_of_two() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let y = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/yangcheng");
    let f = |n: &str| y.join(n).display().to_string();
    let p = |n: &str| d.join(n).display().to_string();
    let regs = [
        "--entities".to_owned(),
        f("entities.csv"),
        "--inspectors".to_owned(),
        f("inspectors.csv"),
        "--conflicts".to_owned(),
        f("conflicts.csv"),
        "--items".to_owned(),
        f("items.csv"),
    ];
    let o = run(&["keygen", "--issuer", "测试局 (TEST)", "--out", &p("k")]);
    assert!(o.status.success(), "{}", text(&o));
    let task = f("tasks/joint-works.toml");
    let key = p("k.key");
    let chain = p("c.jsonl");
    let mut commit = vec![
        "commit",
        "--chain",
        &chain,
        "--key",
        &key,
        "--task",
        &task,
        "--randomness-plan",
        "local",
        "--created-at",
        "2024-08-26T02:00:00Z",
    ];
    commit.extend(regs.iter().map(String::as_str));
    let o = run(&commit);
    assert!(o.status.success(), "{}", text(&o));
    let mut draw = vec![
        "draw",
        "--json",
        "--chain",
        &chain,
        "--key",
        &key,
        "--task-id",
        "YCGC-2024-01",
        "--unwitnessed",
        "--randomness",
        "353032383137",
        "--created-at",
        "2024-08-28T02:30:00Z",
    ];
    draw.extend(regs.iter().map(String::as_str));
    let o = run(&draw);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The officers' sections and tags, from the register.
    let roster = std::fs::read_to_string(y.join("inspectors.csv")).unwrap();
    let officer = |id: &str| {
        let line = roster
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap_or_else(|| panic!("{id} in the register"));
        let cols: Vec<&str> = line.split(',').collect();
        (cols[2].to_owned(), cols[4].to_owned())
    };
    let teams = v["teams"].as_array().unwrap();
    assert!(!teams.is_empty());
    for t in teams {
        let ids: Vec<&str> = t["inspectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 2, "{t}");
        let of: Vec<(String, String)> = ids.iter().map(|i| officer(i)).collect();
        let holds = |section: &str, tag: &str| {
            of.iter()
                .any(|(s, tags)| s == section && tags.split(';').any(|x| x == tag))
        };
        assert!(
            holds("工程股", "质量安全") && holds("水保股", "水土保持"),
            "{t}: {of:?}"
        );
    }
}
