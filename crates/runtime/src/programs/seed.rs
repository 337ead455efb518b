//! Seeding of an image's root layer: the base distribution's directories, shells and applets
//! (busybox: every applet is a file in /bin; Debian: coreutils in /usr/bin, dash and bash; no
//! shell at all in distroless images), identity files, then the image's own binaries and the
//! configuration its program reads (nginx.conf, default.conf, index.html, fluent-bit.conf).

use super::executable_bytes;
use super::nginx_conf::{DEFAULT_CONF, INDEX_HTML, MIME_TYPES, NGINX_50X_HTML, NGINX_CONF};
use crate::fs::FsTree;
use crate::image::{Base, Image, ProgramKind};
use crate::shell::applet_names;

/// Applets a Debian/Oracle image has as coreutils & co. (no busybox-only network tools).
const NOT_ON_DEBIAN: &[&str] = &["wget", "nc", "nslookup", "ping", "usleep", "[["];

fn dir(tree: &mut FsTree, path: &str, mode: u32) {
    let comps = crate::fs::components(path);
    let _ = tree.mkdir_all(&comps, 0);
    let _ = tree.set_mode(&comps, mode);
}

fn os_release(base: Base) -> &'static str {
    match base {
        Base::Busybox => "",
        Base::Alpine => "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.21.3\nPRETTY_NAME=\"Alpine Linux v3.21\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n",
        Base::Debian => "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n",
        Base::OracleLinux => "NAME=\"Oracle Linux Server\"\nVERSION=\"9.5\"\nID=\"ol\"\nVERSION_ID=\"9.5\"\nPRETTY_NAME=\"Oracle Linux Server 9.5\"\n",
        Base::Distroless => "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"\n",
    }
}

fn base_system(tree: &mut FsTree, base: Base) {
    for d in ["/bin", "/dev", "/etc", "/home", "/proc", "/root", "/sys", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/var"] {
        dir(tree, d, 0o755);
    }
    dir(tree, "/root", 0o700);
    dir(tree, "/tmp", 0o1777);
    if base != Base::Busybox {
        for d in ["/lib", "/sbin", "/opt", "/mnt", "/srv", "/run", "/var/log", "/var/lib", "/var/cache", "/var/tmp", "/usr/lib", "/usr/local/lib"] {
            dir(tree, d, 0o755);
        }
    } else {
        dir(tree, "/var/spool/mail", 0o755);
        dir(tree, "/var/www", 0o755);
    }
    tree.put_file("/etc/passwd", b"root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n", 0o644);
    tree.put_file("/etc/group", b"root:x:0:\ndaemon:x:1:\nwheel:x:10:root\nnogroup:x:65534:\n", 0o644);
    if !os_release(base).is_empty() {
        tree.put_file("/etc/os-release", os_release(base).as_bytes(), 0o644);
    }
    match base {
        Base::Busybox | Base::Alpine => {
            tree.put_file("/bin/busybox", &executable_bytes(ProgramKind::Busybox), 0o755);
            for name in applet_names().into_iter().chain(["sh", "ash"]) {
                tree.put_file(&format!("/bin/{name}"), &executable_bytes(ProgramKind::Busybox), 0o755);
            }
        }
        Base::Debian | Base::OracleLinux => {
            for name in applet_names().into_iter().filter(|n| !NOT_ON_DEBIAN.contains(n)) {
                tree.put_file(&format!("/usr/bin/{name}"), &executable_bytes(ProgramKind::Busybox), 0o755);
            }
            let sh = if base == Base::Debian { ProgramKind::Dash } else { ProgramKind::Bash };
            tree.put_file("/bin/sh", &executable_bytes(sh), 0o755);
            tree.put_file("/usr/bin/sh", &executable_bytes(sh), 0o755);
            tree.put_file("/bin/bash", &executable_bytes(ProgramKind::Bash), 0o755);
            tree.put_file("/usr/bin/bash", &executable_bytes(ProgramKind::Bash), 0o755);
            if base == Base::Debian {
                tree.put_file("/bin/dash", &executable_bytes(ProgramKind::Dash), 0o755);
                tree.put_file("/etc/debian_version", b"12.10\n", 0o644);
            }
        }
        Base::Distroless => {}
    }
}

/// The real curlimages/curl entrypoint script (run by the shell interpreter).
const CURL_ENTRYPOINT: &str = "#!/bin/sh\nset -e\n\nif [ \"${1#-}\" != \"${1}\" ] || [ -z \"$(command -v \"${1}\")\" ]; then\n  set -- curl \"$@\"\nfi\n\nexec \"$@\"\n";

const FLUENT_BIT_CONF: &str = "[SERVICE]\n    Flush        1\n    Log_Level    info\n    Daemon       off\n\n[INPUT]\n    Name         cpu\n    Tag          cpu.local\n    Interval_Sec 1\n\n[OUTPUT]\n    Name         stdout\n    Match        *\n";

/// Seed `tree` with everything `image` ships.
pub fn seed_files(image: &Image, tree: &mut FsTree) {
    base_system(tree, image.base);
    dir(tree, image.working_dir, 0o755);
    for (path, kind) in image.binaries {
        if image.repository == "curlimages/curl" && *path == "/entrypoint.sh" {
            tree.put_file(path, CURL_ENTRYPOINT.as_bytes(), 0o755);
        } else {
            tree.put_file(path, &executable_bytes(*kind), 0o755);
        }
    }
    let has = |k: ProgramKind| image.binaries.iter().any(|(_, b)| *b == k);
    if has(ProgramKind::Nginx) {
        tree.put_file("/etc/nginx/nginx.conf", NGINX_CONF.as_bytes(), 0o644);
        tree.put_file("/etc/nginx/conf.d/default.conf", DEFAULT_CONF.as_bytes(), 0o644);
        tree.put_file("/etc/nginx/mime.types", MIME_TYPES.as_bytes(), 0o644);
        tree.put_file("/usr/share/nginx/html/index.html", INDEX_HTML.as_bytes(), 0o644);
        tree.put_file("/usr/share/nginx/html/50x.html", NGINX_50X_HTML.as_bytes(), 0o644);
        dir(tree, "/var/cache/nginx", 0o755);
        dir(tree, "/var/log/nginx", 0o755);
        dir(tree, "/docker-entrypoint.d", 0o755);
        for s in ["10-listen-on-ipv6-by-default.sh", "15-local-resolvers.envsh", "20-envsubst-on-templates.sh", "30-tune-worker-processes.sh"] {
            tree.put_file(&format!("/docker-entrypoint.d/{s}"), b"#!/bin/sh\n# configuration step run by /docker-entrypoint.sh\n", 0o755);
        }
        if image.base == Base::Debian {
            tree.put_file("/usr/bin/curl", &executable_bytes(ProgramKind::Curl), 0o755);
        }
    }
    if has(ProgramKind::Postgres) {
        dir(tree, "/var/lib/postgresql/data", 0o777);
        dir(tree, "/docker-entrypoint-initdb.d", 0o755);
    }
    if has(ProgramKind::Mysqld) {
        dir(tree, "/var/lib/mysql", 0o755);
        dir(tree, "/docker-entrypoint-initdb.d", 0o755);
    }
    if has(ProgramKind::FluentBit) {
        tree.put_file("/fluent-bit/etc/fluent-bit.conf", FLUENT_BIT_CONF.as_bytes(), 0o644);
    }
    if has(ProgramKind::Python) {
        tree.put_file("/usr/bin/curl", &executable_bytes(ProgramKind::Curl), 0o755);
    }
}
