//! `$(( ))` arithmetic: 64-bit signed integers with wrapping, C precedence for the usual
//! operators, variables by name (unset or non-numeric = 0). Errors use ash's wording
//! ("divide by zero", "arithmetic syntax error"). Recursion depth is bounded.

#[derive(Clone, Debug, PartialEq)]
enum T {
    Num(i64),
    Name(String),
    Op(&'static str),
}

const OPS: [&str; 22] =
    ["<=", ">=", "==", "!=", "&&", "||", "<<", ">>", "+", "-", "*", "/", "%", "<", ">", "(", ")", "!", "~", "&", "|", "^"];

fn tokens(s: &str) -> Result<Vec<T>, String> {
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let st = i;
            while i < cs.len() && cs[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let t: String = cs[st..i].iter().collect();
            let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                i64::from_str_radix(h, 16)
            } else if t.len() > 1 && t.starts_with('0') {
                i64::from_str_radix(&t[1..], 8)
            } else {
                t.parse::<i64>()
            };
            out.push(T::Num(v.map_err(|_| "arithmetic syntax error".to_string())?));
        } else if c == '_' || c.is_ascii_alphabetic() {
            let st = i;
            while i < cs.len() && (cs[i] == '_' || cs[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            out.push(T::Name(cs[st..i].iter().collect()));
        } else {
            let op = OPS.iter().find(|o| {
                let oc: Vec<char> = o.chars().collect();
                cs.len() >= i + oc.len() && cs[i..i + oc.len()] == oc[..]
            });
            match op {
                Some(o) => {
                    i += o.len();
                    out.push(T::Op(o));
                }
                None => return Err("arithmetic syntax error".into()),
            }
        }
    }
    Ok(out)
}

struct P<'a> {
    toks: Vec<T>,
    pos: usize,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    depth: u32,
}

fn prec(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" | "!=" => 6,
        "<" | ">" | "<=" | ">=" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        _ => return None,
    })
}

impl P<'_> {
    fn expr(&mut self, min: u8) -> Result<i64, String> {
        self.depth += 1;
        if self.depth > 200 {
            return Err("arithmetic syntax error".into());
        }
        let mut lhs = self.unary()?;
        while let Some(T::Op(op)) = self.toks.get(self.pos).cloned() {
            let Some(p) = prec(op) else { break };
            if p < min {
                break;
            }
            self.pos += 1;
            let rhs = self.expr(p + 1)?;
            lhs = apply(op, lhs, rhs)?;
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<i64, String> {
        let t = self.toks.get(self.pos).cloned().ok_or("arithmetic syntax error")?;
        self.pos += 1;
        match t {
            T::Num(n) => Ok(n),
            T::Name(n) => {
                let v = (self.lookup)(&n).unwrap_or_default();
                Ok(v.trim().parse::<i64>().unwrap_or(0))
            }
            T::Op("-") => Ok(self.unary()?.wrapping_neg()),
            T::Op("+") => self.unary(),
            T::Op("!") => Ok(i64::from(self.unary()? == 0)),
            T::Op("~") => Ok(!self.unary()?),
            T::Op("(") => {
                let v = self.expr(0)?;
                match self.toks.get(self.pos) {
                    Some(T::Op(")")) => {
                        self.pos += 1;
                        Ok(v)
                    }
                    _ => Err("arithmetic syntax error".into()),
                }
            }
            _ => Err("arithmetic syntax error".into()),
        }
    }
}

fn apply(op: &str, a: i64, b: i64) -> Result<i64, String> {
    Ok(match op {
        "+" => a.wrapping_add(b),
        "-" => a.wrapping_sub(b),
        "*" => a.wrapping_mul(b),
        "/" | "%" if b == 0 => return Err("divide by zero".into()),
        "/" => a.wrapping_div(b),
        "%" => a.wrapping_rem(b),
        "<<" => a.wrapping_shl(b as u32),
        ">>" => a.wrapping_shr(b as u32),
        "<" => i64::from(a < b),
        ">" => i64::from(a > b),
        "<=" => i64::from(a <= b),
        ">=" => i64::from(a >= b),
        "==" => i64::from(a == b),
        "!=" => i64::from(a != b),
        "&&" => i64::from(a != 0 && b != 0),
        "||" => i64::from(a != 0 || b != 0),
        "&" => a & b,
        "|" => a | b,
        "^" => a ^ b,
        _ => return Err("arithmetic syntax error".into()),
    })
}

/// Evaluate an arithmetic expression (already parameter-expanded).
pub fn eval(expr: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<i64, String> {
    let toks = tokens(expr)?;
    if toks.is_empty() {
        return Ok(0);
    }
    let mut p = P { toks, pos: 0, lookup, depth: 0 };
    let v = p.expr(0)?;
    if p.pos != p.toks.len() {
        return Err("arithmetic syntax error".into());
    }
    Ok(v)
}
