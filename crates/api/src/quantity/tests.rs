//! Quantity parse/format cases checked against resource.Quantity's behaviour, plus
//! round-trip and arithmetic properties.

use super::*;
use proptest::prelude::*;

#[test]
fn canonical_forms_match_kubernetes() {
    // (input, canonical String(), MilliValue, Value) — from resource.Quantity semantics.
    let cases: &[(&str, &str, i64, i64)] = &[
        ("100m", "100m", 100, 1),
        ("0.5", "500m", 500, 1),
        ("1", "1", 1000, 1),
        ("1.0", "1", 1000, 1),
        ("1000", "1k", 1_000_000, 1000),
        ("1500m", "1500m", 1500, 2),
        ("128Mi", "128Mi", 134_217_728_000, 134_217_728),
        ("1Gi", "1Gi", 1_073_741_824_000, 1_073_741_824),
        ("1536Mi", "1536Mi", 1_610_612_736_000, 1_610_612_736),
        ("0.5Gi", "512Mi", 536_870_912_000, 536_870_912),
        ("1.5Ki", "1536", 1_536_000, 1536),
        ("512", "512", 512_000, 512),
        ("1G", "1G", 1_000_000_000_000, 1_000_000_000),
        ("1e3", "1e3", 1_000_000, 1000),
        ("1.5e3", "1500", 1_500_000, 1500),
        ("1E", "1E", i64::MAX, 1_000_000_000_000_000_000),
        ("0", "0", 0, 0),
        ("-1", "-1", -1000, -1),
        ("0.1n", "1n", 1, 1),
        ("12e-3", "12e-3", 12, 1),
        ("+1", "1", 1000, 1),
        ("m", "0", 0, 0),
        ("100u", "100u", 1, 1),
    ];
    for (input, canonical, millis, value) in cases {
        let q = Quantity::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(q.to_string(), *canonical, "canonical of {input}");
        assert_eq!(q.millis(), *millis, "millis of {input}");
        assert_eq!(q.value(), *value, "value of {input}");
    }
}

#[test]
fn parse_errors_match_kubernetes() {
    let cases: &[(&str, QuantityError)] = &[
        ("", QuantityError::FormatWrong),
        ("abc", QuantityError::FormatWrong),
        ("1GB", QuantityError::FormatWrong),
        ("1.5.5", QuantityError::FormatWrong),
        ("128mi", QuantityError::Suffix),
        ("1Ki1", QuantityError::Suffix),
        ("1 Gi", QuantityError::FormatWrong),
    ];
    for (input, want) in cases {
        assert_eq!(Quantity::parse(input).err(), Some(*want), "{input}");
    }
}

#[test]
fn arithmetic_and_ordering() {
    let q = |s: &str| Quantity::parse(s).unwrap();
    assert_eq!(q("500m").add(&q("1")).to_string(), "1500m");
    assert_eq!(q("1Gi").sub(&q("512Mi")).to_string(), "512Mi");
    assert!(q("1") > q("500m"));
    assert!(q("1Gi") > q("1G"));
    assert_eq!(q("1000m"), q("1"));
    assert!(q("-1") < q("0"));
    assert_eq!(Quantity::from_millis(250).to_string(), "250m");
    assert_eq!(Quantity::from_bytes(134_217_728).to_string(), "128Mi");
}

fn suffix() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "", "m", "k", "M", "G", "Ki", "Mi", "Gi", "n", "u", "e3", "e-2",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// The canonical form parses back to an equal quantity and is itself canonical.
    #[test]
    fn canonical_round_trips(int in 0u64..1_000_000, frac in 0u32..1000, has_frac in any::<bool>(), neg in any::<bool>(), sfx in suffix()) {
        let text = format!("{}{}{}{}", if neg { "-" } else { "" }, int, if has_frac { format!(".{frac}") } else { String::new() }, sfx);
        let q = Quantity::parse(&text).unwrap();
        let c = q.to_string();
        let back = Quantity::parse(&c).unwrap();
        prop_assert_eq!(back, q);
        prop_assert_eq!(back.to_string(), c);
    }

    #[test]
    fn add_then_sub_is_identity(a in -1_000_000i64..1_000_000, b in -1_000_000i64..1_000_000) {
        let (qa, qb) = (Quantity::from_millis(a), Quantity::from_millis(b));
        prop_assert_eq!(qa.add(&qb).sub(&qb), qa);
        prop_assert_eq!(qa.add(&qb).millis(), a + b);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,40}") {
        let _ = Quantity::parse(&s).map(|q| (q.to_string(), q.millis(), q.value()));
    }
}
