//! The registry catalogue as data: which repositories and tags exist, their digests and
//! compressed sizes, the image config (ENTRYPOINT, CMD, ENV, WORKDIR), the base distribution
//! (which decides the shell flavour and which binaries exist) and whether the registry needs
//! credentials. Lookups report unknown repositories/tags so the kubelet can word the pull error;
//! `root_fs` seeds the image's root layer (binaries, config files, html) as a `FsTree`.

use crate::fs::FsTree;
use crate::programs::seed_files;

/// The distribution under the image: decides `/bin/sh` and the prompt of an exec shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// busybox: every applet is the busybox binary, `sh` is ash.
    Busybox,
    /// Alpine: busybox applets plus apk; `sh` is ash.
    Alpine,
    /// Debian: `sh` is dash, bash exists, coreutils.
    Debian,
    /// Oracle Linux (mysql): `sh` is bash.
    OracleLinux,
    /// Distroless: no shell at all.
    Distroless,
}

/// Which program a binary in the image runs. Executables in the root layer name one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProgramKind {
    /// A multi-call binary; the applet comes from argv[0] (busybox, coreutils).
    Busybox,
    /// dash as /bin/sh on Debian.
    Dash,
    Bash,
    Nginx,
    NginxEntrypoint,
    Redis,
    RedisEntrypoint,
    Postgres,
    PostgresEntrypoint,
    Mysqld,
    MysqlEntrypoint,
    Stress,
    Curl,
    Python,
    FluentBit,
    Socat,
    NginxExporter,
    RedisCli,
    PgIsReady,
    MysqlAdmin,
    /// kubeadm's add-ons: kube-proxy and CoreDNS (`programs/addons.rs`).
    KubeProxy,
    CoreDns,
    /// The control-plane static pods' components (`programs/control_plane.rs`).
    Etcd,
    KubeApiserver,
    KubeControllerManager,
    KubeScheduler,
    /// A text file starting with `#!`: run its interpreter with the file as argument.
    Script,
    /// Some other file with the execute bit (not a program this simulation knows).
    Unknown,
}

/// One repository in the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Registry host ("docker.io", "registry.example.com").
    pub registry: &'static str,
    /// Repository path as normalized by containerd ("library/nginx", "polinux/stress").
    pub repository: &'static str,
    /// Tags with their compressed size in bytes (the `Pulled` event's "Image size").
    pub tags: &'static [(&'static str, u64)],
    pub entrypoint: &'static [&'static str],
    pub cmd: &'static [&'static str],
    pub env: &'static [(&'static str, &'static str)],
    pub working_dir: &'static str,
    pub base: Base,
    /// Needs imagePullSecrets.
    pub private: bool,
    /// Program-specific binaries installed besides the base system: (path, program).
    pub binaries: &'static [(&'static str, ProgramKind)],
    /// Memory the main program holds once started (baseline for `kubectl top`).
    pub baseline_memory_bytes: u64,
}

/// A tag resolved against the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedImage {
    pub image: &'static Image,
    pub tag: String,
    /// `docker.io/library/nginx:1.27`: the form containerd prints in pull errors.
    pub full_reference: String,
    /// `sha256:<64 hex>`, stable per repository and tag.
    pub digest: String,
    pub size_bytes: u64,
}

/// Why a reference did not resolve; the kubelet turns this into the containerd-style message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageLookupError {
    /// Not a valid reference (e.g. upper-case repository); the text is the parser's reason.
    InvalidReference(String),
    /// No such repository (containerd: "pull access denied, repository does not exist or may
    /// require authorization").
    UnknownRepository { full_reference: String },
    /// Repository exists, tag does not (containerd: "...: not found").
    UnknownTag { full_reference: String },
}

/// A parsed image reference: registry, repository (normalized), tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    pub registry: String,
    pub repository: String,
    pub tag: String,
}

impl ImageRef {
    /// Parse like the Docker reference grammar: `busybox` -> docker.io/library/busybox:latest.
    pub fn parse(reference: &str) -> Result<ImageRef, ImageLookupError> {
        let r = reference.trim();
        if r.is_empty() {
            return Err(ImageLookupError::InvalidReference("invalid reference format".into()));
        }
        let (name, tag) = match r.rfind(':') {
            Some(i) if !r[i + 1..].contains('/') => (&r[..i], r[i + 1..].to_string()),
            _ => (r, "latest".to_string()),
        };
        let name = name.split('@').next().unwrap_or(name);
        if name.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(ImageLookupError::InvalidReference(
                "invalid reference format: repository name must be lowercase".into(),
            ));
        }
        let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/:".contains(c);
        let tag_ok = !tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !name.chars().all(valid) || !tag_ok || name.starts_with('/') || name.ends_with('/') {
            return Err(ImageLookupError::InvalidReference("invalid reference format".into()));
        }
        let mut parts = name.splitn(2, '/');
        let first = parts.next().unwrap_or_default();
        let rest = parts.next();
        let (registry, repository) = match rest {
            Some(rest) if first.contains('.') || first.contains(':') || first == "localhost" => {
                (first.to_string(), rest.to_string())
            }
            Some(_) => ("docker.io".to_string(), name.to_string()),
            None => ("docker.io".to_string(), format!("library/{name}")),
        };
        Ok(ImageRef { registry, repository, tag })
    }

    pub fn full_reference(&self) -> String {
        format!("{}/{}:{}", self.registry, self.repository, self.tag)
    }
}

/// Look an image reference up in the catalogue.
pub fn lookup(reference: &str) -> Result<ResolvedImage, ImageLookupError> {
    let r = ImageRef::parse(reference)?;
    let full_reference = r.full_reference();
    // A repository may have several entries (e.g. Debian and Alpine variants by tag).
    let mut variants = CATALOGUE.iter().filter(|i| i.registry == r.registry && i.repository == r.repository).peekable();
    if variants.peek().is_none() {
        return Err(ImageLookupError::UnknownRepository { full_reference });
    }
    let (image, size_bytes) = variants
        .find_map(|i| i.tags.iter().find(|(t, _)| *t == r.tag).map(|(_, size)| (i, size)))
        .ok_or_else(|| ImageLookupError::UnknownTag { full_reference: full_reference.clone() })?;
    Ok(ResolvedImage {
        image,
        digest: digest_of(&full_reference),
        size_bytes: *size_bytes,
        tag: r.tag,
        full_reference,
    })
}

/// All repositories (for UI pickers and tests).
pub fn catalogue() -> &'static [Image] {
    CATALOGUE
}

/// A stable sha256-looking digest derived from the reference (FNV-1a chained to 256 bits).
fn digest_of(reference: &str) -> String {
    let mut out = String::from("sha256:");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0u8..4 {
        for b in reference.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

impl ResolvedImage {
    /// The image's root layer: base system, the program's binaries and its config files.
    pub fn root_fs(&self) -> FsTree {
        let mut tree = FsTree::new();
        seed_files(self.image, &mut tree);
        tree
    }

    /// Default environment of the image config (PATH and the program's own variables).
    pub fn env(&self) -> Vec<(String, String)> {
        self.image.env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }
}

const PATH_DEFAULT: (&str, &str) = ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

/// The programs both redis images (Debian and Alpine based) ship.
const REDIS_BINARIES: &[(&str, ProgramKind)] = &[
    ("/usr/local/bin/redis-server", ProgramKind::Redis),
    ("/usr/local/bin/redis-cli", ProgramKind::RedisCli),
    ("/usr/local/bin/docker-entrypoint.sh", ProgramKind::RedisEntrypoint),
];

const fn img(registry: &'static str, repository: &'static str) -> Image {
    Image {
        registry,
        repository,
        tags: &[],
        entrypoint: &[],
        cmd: &[],
        env: &[PATH_DEFAULT],
        working_dir: "/",
        base: Base::Busybox,
        private: false,
        binaries: &[],
        baseline_memory_bytes: 0,
    }
}

static CATALOGUE: &[Image] = &[
    Image {
        tags: &[("latest", 2_167_176), ("1.36", 2_167_176), ("1.36.1", 2_167_176), ("1.37", 2_160_422), ("stable", 2_160_422)],
        cmd: &["sh"],
        env: &[("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")],
        baseline_memory_bytes: 400 * 1024,
        ..img("docker.io", "library/busybox")
    },
    Image {
        tags: &[("latest", 3_653_764), ("3.20", 3_625_878), ("3.21", 3_653_764), ("3.22", 3_799_912)],
        cmd: &["/bin/sh"],
        base: Base::Alpine,
        baseline_memory_bytes: 400 * 1024,
        ..img("docker.io", "library/alpine")
    },
    Image {
        tags: &[
            ("latest", 72_225_394),
            ("1.27", 72_188_133),
            ("1.27.4", 72_188_133),
            ("1.26", 71_003_514),
            ("1.25", 70_544_635),
            ("stable", 71_003_514),
        ],
        entrypoint: &["/docker-entrypoint.sh"],
        cmd: &["nginx", "-g", "daemon off;"],
        env: &[PATH_DEFAULT, ("NGINX_VERSION", "1.27.4"), ("NJS_VERSION", "0.8.9"), ("PKG_RELEASE", "1~bookworm")],
        base: Base::Debian,
        binaries: &[("/usr/sbin/nginx", ProgramKind::Nginx), ("/docker-entrypoint.sh", ProgramKind::NginxEntrypoint)],
        baseline_memory_bytes: 10 * 1024 * 1024,
        ..img("docker.io", "library/nginx")
    },
    // The Alpine variants: same program, busybox userland (sh but no bash, no curl).
    Image {
        tags: &[("alpine", 20_479_622), ("1.27-alpine", 20_479_622), ("stable-alpine", 20_291_040)],
        entrypoint: &["/docker-entrypoint.sh"],
        cmd: &["nginx", "-g", "daemon off;"],
        env: &[PATH_DEFAULT, ("NGINX_VERSION", "1.27.4"), ("PKG_RELEASE", "1")],
        base: Base::Alpine,
        binaries: &[("/usr/sbin/nginx", ProgramKind::Nginx), ("/docker-entrypoint.sh", ProgramKind::NginxEntrypoint)],
        baseline_memory_bytes: 8 * 1024 * 1024,
        ..img("docker.io", "library/nginx")
    },
    Image {
        tags: &[("latest", 45_167_424), ("7", 40_262_112), ("7.4", 40_262_112)],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["redis-server"],
        env: &[PATH_DEFAULT, ("REDIS_VERSION", "7.4.2")],
        working_dir: "/data",
        base: Base::Debian,
        binaries: REDIS_BINARIES,
        baseline_memory_bytes: 3 * 1024 * 1024,
        ..img("docker.io", "library/redis")
    },
    Image {
        tags: &[("alpine", 17_317_010), ("7-alpine", 17_317_010), ("7.4-alpine", 17_317_010)],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["redis-server"],
        env: &[PATH_DEFAULT, ("REDIS_VERSION", "7.4.2")],
        working_dir: "/data",
        base: Base::Alpine,
        binaries: REDIS_BINARIES,
        baseline_memory_bytes: 3 * 1024 * 1024,
        ..img("docker.io", "library/redis")
    },
    Image {
        tags: &[("latest", 158_213_460), ("17", 158_213_460), ("16", 155_740_290), ("15", 153_021_877)],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["postgres"],
        env: &[
            ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/17/bin"),
            ("PG_MAJOR", "17"),
            ("PGDATA", "/var/lib/postgresql/data"),
        ],
        base: Base::Debian,
        binaries: &[
            ("/usr/lib/postgresql/17/bin/postgres", ProgramKind::Postgres),
            ("/usr/bin/pg_isready", ProgramKind::PgIsReady),
            ("/usr/local/bin/docker-entrypoint.sh", ProgramKind::PostgresEntrypoint),
        ],
        baseline_memory_bytes: 25 * 1024 * 1024,
        ..img("docker.io", "library/postgres")
    },
    Image {
        tags: &[("latest", 236_315_123), ("8.4", 236_315_123), ("8.0", 231_884_337), ("9", 240_117_540)],
        entrypoint: &["docker-entrypoint.sh"],
        cmd: &["mysqld"],
        env: &[PATH_DEFAULT, ("MYSQL_MAJOR", "8.4"), ("MYSQL_VERSION", "8.4.4-1.el9")],
        base: Base::OracleLinux,
        binaries: &[
            ("/usr/sbin/mysqld", ProgramKind::Mysqld),
            ("/usr/bin/mysqladmin", ProgramKind::MysqlAdmin),
            ("/usr/local/bin/docker-entrypoint.sh", ProgramKind::MysqlEntrypoint),
        ],
        baseline_memory_bytes: 360 * 1024 * 1024,
        ..img("docker.io", "library/mysql")
    },
    Image {
        tags: &[("latest", 4_125_872)],
        entrypoint: &["stress"],
        cmd: &["--help"],
        base: Base::Alpine,
        binaries: &[("/usr/local/bin/stress", ProgramKind::Stress)],
        baseline_memory_bytes: 300 * 1024,
        ..img("docker.io", "polinux/stress")
    },
    Image {
        tags: &[("latest", 33_512_220), ("3.2", 33_512_220), ("4.0", 34_720_118), ("3.2-debug", 45_310_027)],
        entrypoint: &["/fluent-bit/bin/fluent-bit"],
        cmd: &["-c", "/fluent-bit/etc/fluent-bit.conf"],
        base: Base::Distroless,
        binaries: &[("/fluent-bit/bin/fluent-bit", ProgramKind::FluentBit)],
        baseline_memory_bytes: 8 * 1024 * 1024,
        ..img("docker.io", "fluent/fluent-bit")
    },
    Image {
        tags: &[("latest", 8_371_562), ("1.8.0.0", 8_371_562)],
        entrypoint: &["socat"],
        base: Base::Alpine,
        binaries: &[("/usr/bin/socat", ProgramKind::Socat)],
        baseline_memory_bytes: 1024 * 1024,
        ..img("docker.io", "alpine/socat")
    },
    Image {
        tags: &[("latest", 5_602_311), ("1.4", 5_602_311), ("1.3.0", 5_480_112)],
        entrypoint: &["/usr/bin/nginx-prometheus-exporter"],
        base: Base::Distroless,
        binaries: &[("/usr/bin/nginx-prometheus-exporter", ProgramKind::NginxExporter)],
        baseline_memory_bytes: 6 * 1024 * 1024,
        ..img("docker.io", "nginx/nginx-prometheus-exporter")
    },
    Image {
        tags: &[("latest", 10_013_582), ("8.12.1", 10_013_582), ("8.11.1", 9_928_117)],
        entrypoint: &["/entrypoint.sh"],
        cmd: &["curl"],
        base: Base::Alpine,
        binaries: &[("/usr/bin/curl", ProgramKind::Curl), ("/entrypoint.sh", ProgramKind::Busybox)],
        baseline_memory_bytes: 2 * 1024 * 1024,
        ..img("docker.io", "curlimages/curl")
    },
    Image {
        tags: &[("latest", 392_142_907), ("3.13", 392_142_907), ("3.12", 389_512_064), ("3.12-slim", 43_126_541)],
        cmd: &["python3"],
        env: &[PATH_DEFAULT, ("PYTHON_VERSION", "3.13.2"), ("LANG", "C.UTF-8")],
        base: Base::Debian,
        binaries: &[("/usr/local/bin/python3", ProgramKind::Python), ("/usr/local/bin/python", ProgramKind::Python)],
        baseline_memory_bytes: 12 * 1024 * 1024,
        ..img("docker.io", "library/python")
    },
    Image {
        tags: &[("1.0", 48_201_339), ("1.1", 48_230_114)],
        entrypoint: &["/docker-entrypoint.sh"],
        cmd: &["nginx", "-g", "daemon off;"],
        env: &[PATH_DEFAULT, ("NGINX_VERSION", "1.27.4")],
        base: Base::Debian,
        private: true,
        binaries: &[("/usr/sbin/nginx", ProgramKind::Nginx), ("/docker-entrypoint.sh", ProgramKind::NginxEntrypoint)],
        baseline_memory_bytes: 10 * 1024 * 1024,
        ..img("registry.example.com", "team/api")
    },
    Image {
        tags: &[("2.3", 31_402_118), ("latest", 31_402_118)],
        entrypoint: &["/docker-entrypoint.sh"],
        cmd: &["nginx", "-g", "daemon off;"],
        env: &[PATH_DEFAULT, ("NGINX_VERSION", "1.27.4")],
        base: Base::Debian,
        private: true,
        binaries: &[("/usr/sbin/nginx", ProgramKind::Nginx), ("/docker-entrypoint.sh", ProgramKind::NginxEntrypoint)],
        baseline_memory_bytes: 10 * 1024 * 1024,
        ..img("123456789012.dkr.ecr.us-east-1.amazonaws.com", "payments/web")
    },
    Image {
        tags: &[("v1.33.1", 32_542_011)],
        entrypoint: &[],
        cmd: &[],
        base: Base::Distroless,
        binaries: &[("/usr/local/bin/kube-proxy", ProgramKind::KubeProxy)],
        baseline_memory_bytes: 18 * 1024 * 1024,
        ..img("registry.k8s.io", "kube-proxy")
    },
    Image {
        tags: &[("v1.12.0", 20_938_720)],
        entrypoint: &["/coredns"],
        base: Base::Distroless,
        binaries: &[("/coredns", ProgramKind::CoreDns)],
        baseline_memory_bytes: 16 * 1024 * 1024,
        ..img("registry.k8s.io", "coredns/coredns")
    },
    Image {
        tags: &[("3.5.21-0", 58_938_593)],
        entrypoint: &[],
        base: Base::Distroless,
        binaries: &[("/usr/local/bin/etcd", ProgramKind::Etcd)],
        baseline_memory_bytes: 40 * 1024 * 1024,
        ..img("registry.k8s.io", "etcd")
    },
    Image {
        tags: &[("v1.33.1", 30_071_307)],
        entrypoint: &[],
        base: Base::Distroless,
        binaries: &[("/usr/local/bin/kube-apiserver", ProgramKind::KubeApiserver)],
        baseline_memory_bytes: 250 * 1024 * 1024,
        ..img("registry.k8s.io", "kube-apiserver")
    },
    Image {
        tags: &[("v1.33.1", 27_646_507)],
        entrypoint: &[],
        base: Base::Distroless,
        binaries: &[("/usr/local/bin/kube-controller-manager", ProgramKind::KubeControllerManager)],
        baseline_memory_bytes: 50 * 1024 * 1024,
        ..img("registry.k8s.io", "kube-controller-manager")
    },
    Image {
        tags: &[("v1.33.1", 21_785_428)],
        entrypoint: &[],
        base: Base::Distroless,
        binaries: &[("/usr/local/bin/kube-scheduler", ProgramKind::KubeScheduler)],
        baseline_memory_bytes: 20 * 1024 * 1024,
        ..img("registry.k8s.io", "kube-scheduler")
    },
];
