//! Prints what Podlab's manifest reader makes of a file: the syntax error go-yaml would
//! report (with the editor position), or each document's JSON and decode result. Used to
//! compare against real tools while building the error corpus.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: manifest_check FILE");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    for doc in podlab_api::manifest::parse(&text) {
        match doc {
            Err(e) => println!("ERROR {} @ {:?}", e.message, e.position),
            Ok(d) => {
                println!("DOC {} {}", d.index, podlab_api::manifest::go_json(d.json()));
                for r in d.decode() {
                    match r {
                        Ok(o) => println!("  OK {}/{}", o.kind(), o.name()),
                        Err(e) => println!("  DECODE {:?}: {}", e.kind, e.message),
                    }
                }
            }
        }
    }
}
