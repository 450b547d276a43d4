//! The rules the routes share, below HTTP: what a valid identifier or metadata object is, how a
//! page is cut, what happens to a user's sessions, memberships and invitations when the user
//! changes, and what the instance sends. Every route calls these; nothing here knows about
//! routes (a test checks that no module under `domain/` names `routes`), so the route
//! modules need not call one another.

pub(crate) mod access_lists;
pub(crate) mod billing;
pub(crate) mod connection_tests;
pub(crate) mod connections;
pub(crate) mod directories;
pub(crate) mod identifications;
pub(crate) mod images;
pub(crate) mod instance;
pub(crate) mod interstitial;
pub(crate) mod invitations;
pub(crate) mod jwt_templates;
pub(crate) mod mailbox;
pub(crate) mod message_templates;
pub(crate) mod org_domains;
pub(crate) mod org_roles;
pub(crate) mod organizations;
pub(crate) mod paging;
pub(crate) mod scim;
pub(crate) mod sessions;
pub(crate) mod sign_ups;
pub(crate) mod svix;
pub(crate) mod tickets;
pub(crate) mod users;
pub(crate) mod validate;
pub(crate) mod verifications;
pub(crate) mod waitlist;

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }

    /// The lines of a file that are code (not comments), up to its tests.
    fn code(path: &Path) -> Vec<(usize, String)> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .take_while(|l| l.trim() != "#[cfg(test)]")
            .enumerate()
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
            .map(|(i, l)| (i + 1, l.to_owned()))
            .collect()
    }

    #[test]
    fn the_layers_point_one_way() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut problems = Vec::new();
        // The domain and the store never reach up into the routes, and the store not into
        // the domain.
        let mut store: Vec<PathBuf> = rust_files(&src.join("store"));
        store.push(src.join("store.rs"));
        for (files, above) in [
            (rust_files(&src.join("domain")), &["routes::"][..]),
            (store, &["routes::", "domain::"][..]),
        ] {
            for file in &files {
                for (n, line) in code(file) {
                    if above.iter().any(|a| line.contains(a)) {
                        problems.push(format!("{}:{n}: {line}", file.display()));
                    }
                }
            }
        }
        // A route module calls the domain, never another route module (a group split into
        // submodules, like machine_auth, may use its own).
        for file in rust_files(&src.join("routes")) {
            let own_group = file.parent() != Some(src.join("routes").as_path());
            for (n, line) in code(&file) {
                let other_route = line.contains("crate::routes::")
                    || (!own_group && line.contains("super::") && !line.contains("super::*"));
                if other_route {
                    problems.push(format!("{}:{n}: {line}", file.display()));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "layering broken:\n{}",
            problems.join("\n")
        );
    }
}
