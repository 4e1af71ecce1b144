import Testing
@testable import TriageCore
import TriageRegex

/// The prefilter must be sound: whenever PCRE2 finds a match, the folded
/// subject holds one of the literals inside the folded match, and when
/// `atMatchStart` is set, one starts exactly where the match starts. (The
/// suite name keeps it under `swift test --filter RegexLiterals`.)
///
/// Subjects come from a hand-written incident corpus and from strings
/// sampled from each regex's own syntax tree (so that most regexes really
/// match), varied by case flips, case variants such as `K` (Kelvin) and `ſ`,
/// inserted spaces and changed digits. PCRE2 is the judge: the sampler only
/// has to produce interesting candidates.
@Suite struct RegexLiteralsSoundnessTests {
    let backend = PCRE2Backend()

    /// A real 80-regex triage set (case-insensitive in its packs).
    static let peerRegexes: [String] = [
        #"\bora-\d{5}\b"#,
        #"\b5\d\d\b"#,
        #"\b4\d\d\b"#,
        #"\bhttp/[12](?:\.[01])?\s+[45]\d\d\b"#,
        #"p99\s*(?:latency)?\s*[>=:]\s*\d+\s*ms"#,
        #"\bp9[059]\s+(?:latency\s+)?(?:of|at|is|~|>|=)\s*\d+(?:\.\d+)?\s*(?:ms|s)\b"#,
        #"(?:us|eu|ap)-[a-z]+-\d"#,
        #"\b(?:sa|ca|me|af)-[a-z]+-\d\b"#,
        #"\b(?:europe|asia|us)-[a-z]+\d\b"#,
        #"\bsev[- ]?[0-4]\b"#,
        #"\bp[0-4]\b"#,
        #"\bcve-\d{4}-\d{4,7}\b"#,
        #"\b(?:\d{1,3}\.){3}\d{1,3}\b"#,
        #"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"#,
        #"\bsqlstate\s*\[?\s*[0-9a-z]{5}\b"#,
        #"\berror\s+\d{4}\s*\(\w+\)"#,
        #"\bexit(?:ed)?\s+(?:with\s+)?(?:code|status)\s*:?\s*(?:1|2|137|139|143)\b"#,
        #"\boom[- ]?kill(?:ed|er)?\b"#,
        #"\b\d+(?:\.\d+)?\s*%\s+(?:of\s+)?(?:errors?|packet loss|cpu|disk|memory|requests)"#,
        #"\berror rate\s*(?:of|at|is|=|:|>)?\s*\d+(?:\.\d+)?\s*%"#,
        #"\b\d{4,}(?:\.\d+)?\s*ms\b"#,
        #"\blatency\s+(?:of\s+|is\s+|at\s+)?\d+(?:\.\d+)?\s*(?:ms|s|seconds)\b"#,
        #"\bdisk\s+(?:usage\s+)?(?:at\s+|is\s+)?(?:9\d|100)\s*%"#,
        #"\b(?:cpu|memory|mem)\s+(?:usage\s+|utili[sz]ation\s+)?(?:at\s+|is\s+)?(?:9\d|100)\s*%"#,
        #"\b(?:java|javax|org|com)\.[a-z0-9_.]+(?:exception|error)\b"#,
        #"\bat\s+[a-z0-9_.$]+\([a-z0-9_]+\.java:\d+\)"#,
        #"file\s+"[^"]+\.py",\s+line\s+\d+"#,
        #"\bgoroutine\s+\d+\s+\[[a-z ]+\]"#,
        #"panic:\s+runtime error"#,
        #"\bsig(?:segv|kill|abrt|bus)\b"#,
        #"\be11000\b"#,
        #"\bfatal:\s+(?:too many connections|remaining connection slots|password authentication failed|the database system is)"#,
        #"\b[45]\d\d\s+errors?\b"#,
        #"\b\d+(?:\.\d+)?k?\s*(?:5xx|errors)\s*(?:/|per\s+)(?:s|sec|second|min|minute)\b"#,
        #"\breplication\s+lag\s*(?:of|is|at|:|>|=)?\s*\d+\s*(?:s|sec|seconds|ms|min|minutes)\b"#,
        #"\bconsumer\s+lag\s*(?:of|is|at|:|>|=)?\s*\d[\d,]*"#,
        #"\bcert(?:ificate)?s?\s+(?:expires?|expired|expiring)\s+(?:in|on|at)\s+\d+"#,
        #"\bexpir(?:es|ed|ing)\s+(?:in\s+)?\d+\s*(?:days?|hours?|h|d)\b"#,
        #"\bv?\d+\.\d+\.\d+(?:-[a-z0-9.]+)?\b"#,
        #"\b(?:deploy|release|build)\s*#\d{3,}"#,
        #"\b(?:pr|pull request)\s*#\d+\b"#,
        #"\b(?:jira|ops|sre)-\d+\b"#,
        #"\b[a-z0-9-]+-[a-z0-9]{8,10}-[a-z0-9]{5}\b"#,
        #"\bip-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}\b"#,
        #"\b\d+/\d+\s+nodes\s+are\s+available\b"#,
        #"\brestarts?\s*[:=]?\s*\d{2,}\b"#,
        #"\brestarted\s+\d+\s+times\b"#,
        #"\bx509:\s+certificate\s+(?:has expired|signed by unknown authority|is valid for)"#,
        #"\b(?:ssl|tls)v?\d(?:\.\d)?\b"#,
        #"\bport\s+\d{2,5}\b"#,
        #":\d{4,5}\b"#,
        #"\b(?:get|post|put|delete|patch)\s+/[a-z0-9/_.-]*"#,
        #"\b\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}:\d{2}"#,
        #"\b\d+(?:\.\d+)?\s*(?:gib|gb|mib|mb)\b"#,
        #"\b(?:heap|rss|memory)\s+(?:usage\s+)?(?:at|of|reached|=|:)?\s*\d+(?:\.\d+)?\s*(?:gib|gb|mib|mb|%)"#,
        #"\b(?:dropped|fell|down|decreased)\s+(?:by\s+)?\d{2,3}\s*%"#,
        #"\b\d+\s+(?:customers|users|merchants|tenants|accounts)\s+(?:affected|impacted|reporting)\b"#,
        #"\b(?:all|most|many)\s+(?:customers|users)\b"#,
        #"\b(?:checkout|payment|login|signup)s?\s+(?:is\s+|are\s+)?(?:failing|broken|down|unavailable)\b"#,
        #"\b(?:api[_-]?key|secret|token|password)\s*[=:]\s*\S{6,}"#,
        #"\bakia[0-9a-z]{16}\b"#,
        #"\bghp_[a-z0-9]{36}\b"#,
        #"-----begin (?:rsa |ec )?private key-----"#,
        #"\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b"#,
        #"\b\d{3}-\d{2}-\d{4}\b"#,
        #"\b(?:\d{4}[ -]?){3}\d{4}\b"#,
        #"\b\d{3,}\s+failed\s+(?:login|auth(?:entication)?)\s+attempts\b"#,
        #"\bfrom\s+\d+\s+(?:distinct\s+|unique\s+)?ips?\b"#,
        #"\b(?:gc|garbage collection)\s+pauses?\s+(?:of\s+|up to\s+)?\d+(?:\.\d+)?\s*(?:ms|s)\b"#,
        #"\bthread\s+pool\s+(?:exhausted|saturated|full)\b"#,
        #"\b(?:queue|backlog)\s+(?:depth|size)\s*(?:of|is|at|:|>|=)?\s*\d[\d,]*"#,
        #"\bdead[- ]?letter\b"#,
        #"\b(?:deadlock|lock)\s+(?:detected|found)\b"#,
        #"\berror:\s+deadlock detected\b"#,
        #"\bconnection\s+(?:refused|reset|timed out)\s+(?:to|from|by)\s+\S+"#,
        #"\b(?:dial|connect)\s+tcp\s+[\d.]+:\d+"#,
        #"\bread\s+tcp\s+[\d.:]+->[\d.:]+"#,
        #"\bi/o\s+timeout\b"#,
        #"\bstatus(?:\s*code)?\s*[=:]?\s*[45]\d\d\b"#,
        #"\b(?:returned|returning|returns)\s+(?:http\s+)?[45]\d\d\b"#,
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var pattern: String
        var caseless: Bool
        var options: RegexOptions = []
        var testDescription: String { "\(caseless ? "" : "(cs) ")\(options.rawValue == 0 ? "" : "(opts \(options.rawValue)) ")\(pattern)" }
    }

    static let tricky: [Case] = [
        Case(pattern: #"(?:foo|)bar"#, caseless: true),
        Case(pattern: #"(?:a|(?:b|))c+d"#, caseless: true),
        Case(pattern: #"(?:(?:x)?y)?zz"#, caseless: true),
        Case(pattern: #"((a)?b)?c{2}"#, caseless: true),
        Case(pattern: #"(?:foo)?bar(?:baz)?"#, caseless: true),
        Case(pattern: #"x{2,4}yz"#, caseless: true),
        Case(pattern: #"(?:ab|cd)*ef"#, caseless: true),
        Case(pattern: #"(?:a|b|c){2}d"#, caseless: true),
        Case(pattern: #"a\d?b"#, caseless: true),
        Case(pattern: #"(?<=ab)cd"#, caseless: true),
        Case(pattern: #"(?<!x)yz"#, caseless: true),
        Case(pattern: #"cd(?=ef)"#, caseless: true),
        Case(pattern: #"\bword\b(?!s)"#, caseless: true),
        Case(pattern: #"(?i)ERROR(?-i)Code"#, caseless: false),
        Case(pattern: #"(?i:abc)DEF"#, caseless: false),
        Case(pattern: #"a(?i)b|c"#, caseless: false),
        Case(pattern: #"(?-i)Fatal"#, caseless: true),
        Case(pattern: #"\Qa.b\E+c"#, caseless: true),
        Case(pattern: #"\Q(x)\E"#, caseless: true),
        Case(pattern: "straße", caseless: true),
        Case(pattern: "straße", caseless: false),
        Case(pattern: "STRASSE", caseless: false),
        Case(pattern: "Ü+ber", caseless: true),
        Case(pattern: "Über", caseless: false),
        Case(pattern: #"(?i)ü"#, caseless: false),
        Case(pattern: "µs", caseless: true),
        Case(pattern: "µs", caseless: false),
        Case(pattern: #"\x{212A}elvin"#, caseless: true),
        Case(pattern: #"[kK]elvin"#, caseless: true),
        Case(pattern: "ſtatus", caseless: true),
        Case(pattern: "status", caseless: true),
        Case(pattern: "ﬁle", caseless: true),
        Case(pattern: "ΣΊΣΥΦΟΣ", caseless: true),
        Case(pattern: #"(?i)σ+ος"#, caseless: false),
        Case(pattern: #"[Σσς]ος"#, caseless: false),
        Case(pattern: "İstanbul", caseless: true),
        Case(pattern: #"\x{1E9E}x"#, caseless: true),
        Case(pattern: #"(?i)ǅungla"#, caseless: false),
        Case(pattern: #"ERROR \d+"#, caseless: false),
        Case(pattern: #"[A-Z]{3}-\d+"#, caseless: false),
        Case(pattern: #"Error|WARN"#, caseless: false),
        Case(pattern: #"\Kfoo"#, caseless: true),
        Case(pattern: #"ab\Kcd"#, caseless: true),
        Case(pattern: #"(abc)\1"#, caseless: true),
        Case(pattern: #"(?<w>ab)x\k<w>"#, caseless: true),
        Case(pattern: "time out # comment\n [ ] now", caseless: true, options: [.extended]),
        Case(pattern: "(?x) a b c # c\n d", caseless: true),
        Case(pattern: #"[[:digit:]]{2}%"#, caseless: true),
        Case(pattern: #"[[:xdigit:]]{2}:"#, caseless: true),
        Case(pattern: #"[45]\d\d"#, caseless: true),
        Case(pattern: #"^error$"#, caseless: true, options: [.multiline]),
        Case(pattern: #"err.r"#, caseless: true, options: [.dotAll]),
        Case(pattern: #"\d+ms"#, caseless: true, options: [.unicodeClasses]),
        Case(pattern: #"\w+@\w+"#, caseless: true, options: [.unicodeClasses]),
        Case(pattern: #"[\x{41}-\x{43}]{2}x"#, caseless: true),
        Case(pattern: #"\x41\x{42}\o{103}\cd\e"#, caseless: true),
        Case(pattern: #"\N{U+00E9}t\N{U+00E9}"#, caseless: true),
        Case(pattern: #"[^a]bc"#, caseless: true),
        Case(pattern: #"\h\v\R\X"#, caseless: true),
        Case(pattern: #"(?>ab|a)c"#, caseless: true),
        Case(pattern: #"a++b"#, caseless: true),
        Case(pattern: #"(?:a+?|b)c"#, caseless: true),
        Case(pattern: #"(?|(a)|(b))c"#, caseless: true),
    ]

    /// Regexes whose prefixes, shapes or gates are worth checking: literals
    /// inside the match, bounded and unbounded leads, folds that change
    /// lengths or fall into ASCII, large classes, zero-width items.
    static let leadCases: [Case] = [
        Case(pattern: #"(?:a|bb){2}\d?zq"#, caseless: true),
        Case(pattern: #"[a-c]{0,3}zq"#, caseless: true),
        Case(pattern: #"(?:ab|cd)*ef"#, caseless: true),
        Case(pattern: #".{0,3}timeout"#, caseless: true),
        Case(pattern: #"(?:foo|ba)r?\d+zq"#, caseless: true),
        Case(pattern: #"\x{212A}{1,3}\d+zq"#, caseless: true),
        Case(pattern: #"K{1,3}\d+zq"#, caseless: true),
        Case(pattern: #"[à-ÿ]+\d+zq"#, caseless: true),
        Case(pattern: #"ß{1,2}\d+zq"#, caseless: true),
        Case(pattern: #"ß{1,2}\d+zq"#, caseless: false),
        Case(pattern: #"İ{1,2}\d+#"#, caseless: true),
        Case(pattern: #"ﬁ+\d+#"#, caseless: true),
        Case(pattern: #"ſ{2,3}\d*#"#, caseless: true),
        Case(pattern: #"[\x{100}-\x{3000}]{1,2}\d+#"#, caseless: true),
        Case(pattern: #"[^a]{2}\d+#"#, caseless: true),
        Case(pattern: #"\R\d+#"#, caseless: true),
        Case(pattern: #"(a+)\1zq"#, caseless: true),
        Case(pattern: #"\X+timeout"#, caseless: true),
        Case(pattern: #"\Gfoo"#, caseless: true),
        Case(pattern: #"\G\d{8}"#, caseless: true),
        Case(pattern: #"(\w+)@example"#, caseless: true),
        Case(pattern: #"\b[a-z]{2,4}\s+(?:customers|users)"#, caseless: true),
        Case(pattern: #"(?:x|yy|zzz){3,5}q%"#, caseless: true),
        Case(pattern: #"\d{2,}(?:ab|abc)+%%"#, caseless: true),
        Case(pattern: #"(?<=\d)\d{3}zq"#, caseless: true),
        Case(pattern: #"(?<=x)\d{8}(?=y)"#, caseless: true),
        Case(pattern: #"(?:ǆ|x)\d+#"#, caseless: true),
        Case(pattern: #"[A-Z]+Exception"#, caseless: false),
        Case(pattern: #"[A-F0-9]{16}"#, caseless: false),
        Case(pattern: #"ß{4}"#, caseless: false),
        Case(pattern: #"ß{4}"#, caseless: true),
        Case(pattern: #"\x{212A}{8}"#, caseless: false),
        Case(pattern: #"[éè0-9]{10}"#, caseless: true),
        Case(pattern: #"\h{4}"#, caseless: true),
        Case(pattern: #"[[:xdigit:]]{8}"#, caseless: true),
        Case(pattern: #"[[:alpha:]]{4}\d"#, caseless: true),
        Case(pattern: #"\w{16}"#, caseless: true),
        Case(pattern: #"\w{4}"#, caseless: false),
        Case(pattern: #"\d{8}\K\d"#, caseless: true),
        Case(pattern: #"(?:\d{3}[.-]){2,3}\d{4}"#, caseless: true),
        Case(pattern: #"[a-z]{3}\d{3}|\d{3}[a-z]{3}"#, caseless: true),
        Case(pattern: #"(?:[0-9a-f]{2}:){5}[0-9a-f]{2}"#, caseless: true),
        Case(pattern: #"\b[0-9a-f]{40}\b"#, caseless: true),
        Case(pattern: #"(?:ab){2,}(?:cd)?xy"#, caseless: true),
        Case(pattern: #"(?:abcd|bcd|cd)e"#, caseless: true),
        Case(pattern: #"(?:foo|foobar|barfoo)\d+#"#, caseless: true),
    ]

    static var allCases: [Case] {
        peerRegexes.map { Case(pattern: $0, caseless: true) } + peerRegexes.map { Case(pattern: $0, caseless: false) }
            + tricky
    }

    /// Incident text touching most of the peer regexes, plus case oddities.
    static let corpus: [String] = [
        "ORA-00942: table or view does not exist",
        "HTTP/1.1 503 Service Unavailable from 10.0.12.7:8443",
        "p99 latency: 2300 ms in us-east-1 and eu-west-2; p99 >= 12ms",
        "p95 latency of 1.5 s; region sa-east-1, europe-west4, asia-south1",
        "SEV-1 incident, P0, sev 2, sev3",
        "CVE-2024-12345 found in package",
        "uuid 123e4567-e89b-12d3-a456-426614174000",
        "SQLSTATE[08006] connection failure; ERROR 1205 (HY000): Lock wait timeout",
        "process exited with code 137; exit status: 1",
        "OOM-killed, oomkiller invoked, OOM killer",
        "95% of errors, 12.5 % packet loss, 99% cpu",
        "error rate is 15%; error rate: 3.2 %",
        "p50 4000ms; latency of 250 ms; latency 3 seconds",
        "disk usage at 97%; disk 100 %",
        "CPU utilization is 95%; memory usage 99%; mem at 92%",
        "java.lang.NullPointerException at com.example.Foo.bar(Foo.java:42)",
        "File \"/app/main.py\", line 10, in <module>",
        "goroutine 17 [running]: panic: runtime error: index out of range",
        "SIGSEGV received; got SIGKILL; E11000 duplicate key",
        "FATAL: too many connections for role; FATAL:  password authentication failed",
        "500 errors; 503 error; 12k 5xx/s; 300 errors per minute",
        "replication lag of 30 seconds; consumer lag 12,345",
        "certificate expires in 3 days; certs expired on 2024; expiring in 5 hours",
        "deployed v1.2.3-rc.1 via deploy #1234 and PR #56, pull request #7",
        "JIRA-123, OPS-42, SRE-7; pod web-7d9f8b6c5d-x2x4z on ip-10-0-1-23",
        "0/5 nodes are available; restarts: 15; restarted 12 times",
        "x509: certificate has expired or is not yet valid; TLSv1.2 and SSL3",
        "port 5432 refused; localhost:8080; GET /api/v1/users; POST /login",
        "2024-01-15T10:23:45Z heap usage at 3.5 GiB; RSS 512MB; memory = 90%",
        "dropped by 45%; fell 30 %; 120 customers affected; 5 users impacted",
        "all customers; checkout is failing; logins are down; payment broken",
        "api_key=sk_live_abcdef123456; password: hunter22; token = abcdefghij",
        "AKIAIOSFODNN7EXAMPLE and ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        "-----BEGIN RSA PRIVATE KEY----- and -----BEGIN PRIVATE KEY-----",
        "mail alice@example.com; ssn 123-45-6789; card 4111 1111 1111 1111",
        "1500 failed login attempts from 300 distinct IPs; 25 failed authentication attempts",
        "GC pause of 1.2 s; garbage collection pauses up to 800ms",
        "thread pool exhausted; queue depth of 5,000; backlog size 300",
        "dead-letter queue; deadlock detected; ERROR: deadlock detected",
        "connection refused to db-1:5432; connection timed out from 10.1.2.3",
        "dial tcp 10.0.0.5:443: i/o timeout; read tcp 10.0.0.1:5555->10.0.0.2:443",
        "status code 503; status=404; returned HTTP 502; returns 500",
        "Straße gesperrt, STRASSE, STRAẞE, ÜBER alles, über, Üüber",
        "5 µs, 7 μs, 9 ΜS, \u{212A}elvin, KELVIN, ſtatus, ﬁle, FILE",
        "ΣΊΣΥΦΟΣ σίσυφος, ǄUNGLA ǅungla ǆungla, İSTANBUL istanbul",
        "ERROR 42 Error 7 error 9 ABC-12 abc-3 WARN warn ErrorCode errorcode ERRORCode",
        "foobar bar ybar zz yzz xxyz xxxxyz abcdabcd ababef ef cdef abcd ab\ncd",
        "a.b.bc (x) aBc a1b ab wordy word words timeout now time out\nnow 12% fe: ÉTÉ été",
        "\u{0B}\u{85}\r\n\u{2028} tab\there, nbsp\u{A0}here",
        "abcabc ABCabc abxab ABxAB",
        "id x12345678y, mac 00:1a:2b:3c:4d:5e, sha 0123456789abcdef0123456789abcdef01234567",
    ]

    // MARK: Checking one subject

    struct Failure: CustomStringConvertible {
        var pattern: String
        var subject: String
        var match: Range<Int>
        var why: String
        var description: String { "\(pattern.debugDescription) on \(subject.debugDescription) at \(match): \(why)" }
    }

    /// What the analysis claims about one regex.
    struct Claims {
        var prefilter: RegexPrefilter?
        var gate: RegexRunGate?
        /// The bytes and length bounds of every match, gate or not.
        var shape: ByteShape?
        var resetsStart = false

        init(_ c: Case) {
            prefilter = RegexLiteralAnalysis.prefilter(pattern: c.pattern, caseInsensitive: c.caseless, options: c.options)
            gate = RegexLiteralAnalysis.runGate(pattern: c.pattern, caseInsensitive: c.caseless, options: c.options)
            if let tree = RegexParser.parse(c.pattern, caseInsensitive: c.caseless, options: c.options) {
                resetsStart = tree.resetsMatchStart
                if !tree.resetsMatchStart { shape = RegexLiteralAnalysis.shape(tree.root) }
            }
        }

        var claimsNothing: Bool { prefilter == nil && gate == nil && shape == nil }
    }

    /// A regex compiled for the original text, and, when caseless, compiled
    /// as the engine does for the folded text (case-sensitively when its
    /// literals are fold invariant).
    struct Compiled {
        var original: CompiledRegex
        var folded: CompiledRegex?

        init(_ c: Case, backend: PCRE2Backend) throws {
            original = try backend.compile(c.pattern, options: RegexCompileOptions(caseInsensitive: c.caseless, options: c.options))
            if c.caseless {
                let caseless = !RegexLiteralAnalysis.isFoldInvariant(pattern: c.pattern, options: c.options)
                folded = try backend.compile(c.pattern, options: RegexCompileOptions(caseInsensitive: caseless, options: c.options))
            }
        }
    }

    /// A subject, its folded text and the map between the two.
    struct Subject {
        var bytes: [UInt8]
        var folded: [UInt8]
        /// For each folded byte (and the end), the original offset of its scalar.
        var offsets: [Int32]

        init(_ subject: String) {
            bytes = Array(subject.utf8)
            folded = [UInt8](repeating: 0, count: bytes.count * 3 + 8)
            offsets = [Int32](repeating: 0, count: bytes.count * 3 + 9)
            let n = bytes.withUnsafeBufferPointer { input in
                folded.withUnsafeMutableBufferPointer { out in
                    offsets.withUnsafeMutableBufferPointer { CaseFolding.fold(input, into: out.baseAddress!, offsets: $0.baseAddress!) }
                }
            }
            folded.removeSubrange(n...)
            offsets.removeSubrange((n + 1)...)
        }

        /// The folded offset of original offset `i` (a scalar boundary).
        func foldedOffset(_ i: Int) -> Int { offsets.firstIndex { Int($0) >= i }! }
    }

    /// Every match PCRE2 reports, searching from every character where one begins.
    static func allMatches(_ regex: CompiledRegex, in text: [UInt8], scratch: RegexScratch) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        while start <= text.count {
            let result = text.withUnsafeBufferPointer { regex.firstMatch(in: $0, from: start, validUTF8: true, scratch: scratch) }
            guard case .match(let r) = result else { break }
            out.append(r)
            start = r.lowerBound + 1
            while start < text.count && text[start] & 0xC0 == 0x80 { start += 1 }
        }
        return out
    }

    static func firstMatch(_ regex: CompiledRegex, in text: [UInt8], from start: Int?, scratch: RegexScratch) -> RegexSearchResult {
        guard let start else { return .noMatch }
        return text.withUnsafeBufferPointer { regex.firstMatch(in: $0, from: start, validUTF8: true, scratch: scratch) }
    }

    /// Checks the claims on every match PCRE2 reports, in the original text
    /// and (caseless regexes) in the folded text, and checks the engine's use
    /// of them: a search started where `searchStart` or `firstRunStart` says
    /// finds the same first match as a search from 0, and none at all when
    /// they say nothing can match. Returns the number of matches checked and
    /// the failures.
    static func check(
        _ regex: Compiled, scratch: RegexScratch, claims: Claims, pattern: String, subject: String
    ) -> (matches: Int, failures: [Failure]) {
        let t = Subject(subject)
        let folded = t.folded
        var failures: [Failure] = []
        func fail(_ r: Range<Int>, _ why: String) {
            failures.append(Failure(pattern: pattern, subject: subject, match: r, why: why))
        }

        /// One match, `lo..<hi` in the folded text (`r` as reported).
        func checkMatch(_ lo: Int, _ hi: Int, _ r: Range<Int>, _ where_: String) {
            let window = folded[lo..<hi]
            let shown = String(decoding: window, as: UTF8.self).debugDescription
            if let p = claims.prefilter {
                let scope = claims.resetsStart ? folded[...] : window
                if !p.literals.contains(where: { contains(scope, $0) }) {
                    fail(r, "\(where_): no literal in \(String(decoding: scope, as: UTF8.self).debugDescription)")
                }
                if p.atMatchStart, !p.literals.contains(where: { folded[lo...].starts(with: $0) }) {
                    fail(r, "\(where_): no literal at the match start")
                }
                if !claims.resetsStart, !hasLead(p, folded, lo, hi) {
                    fail(r, "\(where_): no literal in \(shown) with a lead in \(p.prefixBytes.map { "\($0)" } ?? "any") of at most \(p.maxPrefixLength.map(String.init) ?? "any") bytes")
                }
            }
            if let s = claims.shape {
                if hi - lo < s.minLength { fail(r, "\(where_): \(shown) is shorter than \(s.minLength)") }
                if let m = s.maxLength, hi - lo > m { fail(r, "\(where_): \(shown) is longer than \(m)") }
                if let b = window.first(where: { !s.bytes.contains($0) }) { fail(r, "\(where_): byte \(b) of \(shown) is not in \(s.bytes)") }
            }
            if let g = claims.gate, hi - lo < g.minLength || window.contains(where: { !g.bytes.contains($0) }) {
                fail(r, "\(where_): \(shown) is not a run of \(g.minLength) in \(g.bytes)")
            }
        }

        var matches = 0
        for r in allMatches(regex.original, in: t.bytes, scratch: scratch) {
            matches += 1
            checkMatch(t.foldedOffset(r.lowerBound), t.foldedOffset(r.upperBound), r, "original")
        }
        if let fr = regex.folded {
            for r in allMatches(fr, in: folded, scratch: scratch) {
                matches += 1
                checkMatch(r.lowerBound, r.upperBound, r, "folded")
            }
        }

        // The engine's use: where a search may start in the folded text (nil: nowhere).
        var starts: [(String, Int?)] = []
        if let p = claims.prefilter, !claims.resetsStart {
            let h1 = p.literals.compactMap { LiteralSet.firstIndex(of: $0, in: folded) }.min()
            starts.append(("the literal bound", h1.map { h in folded.withUnsafeBufferPointer { p.searchStart(in: $0, earliestOccurrence: h) } }))
        }
        if let g = claims.gate {
            starts.append(("the first run", folded.withUnsafeBufferPointer { g.firstRunStart(in: $0) }))
        }
        for (what, start) in starts {
            if let start, start > 0, start < folded.count, folded[start] & 0xC0 == 0x80 {
                fail(start..<start, "\(what) is inside a character")
            }
            let expected = firstMatch(regex.original, in: t.bytes, from: 0, scratch: scratch)
            let got = firstMatch(regex.original, in: t.bytes, from: start.map { Int(t.offsets[$0]) }, scratch: scratch)
            if !same(expected, got) { fail(0..<0, "original: from \(what) \(start.map(String.init) ?? "(none)"): \(got), from 0: \(expected)") }
            if let fr = regex.folded {
                let expected = firstMatch(fr, in: folded, from: 0, scratch: scratch)
                let got = firstMatch(fr, in: folded, from: start, scratch: scratch)
                if !same(expected, got) { fail(0..<0, "folded: from \(what) \(start.map(String.init) ?? "(none)"): \(got), from 0: \(expected)") }
            }
        }
        // The gate's own search (run by run when the regex is run-local), from
        // 0 and from the literal bound, as the engine runs it on folded text.
        if let g = claims.gate, let fr = regex.folded {
            let table = RunGateTable(g)
            let expected = firstMatch(fr, in: folded, from: 0, scratch: scratch)
            var from = [0]
            if let p = claims.prefilter, !claims.resetsStart,
                let h = p.literals.compactMap({ LiteralSet.firstIndex(of: $0, in: folded) }).min()
            {
                from.append(folded.withUnsafeBufferPointer { p.searchStart(in: $0, earliestOccurrence: h) })
            }
            for start in from {
                let got = folded.withUnsafeBufferPointer { table.search(fr, in: $0, from: start, scratch: scratch) } ?? .noMatch
                if !same(expected, got) {
                    fail(0..<0, "folded: gate search (run-local: \(g.runLocal)) from \(start): \(got), from 0: \(expected)")
                }
            }
        }
        return (matches, failures)
    }

    /// Equal results, or one of them stopped by a limit.
    static func same(_ a: RegexSearchResult, _ b: RegexSearchResult) -> Bool {
        switch (a, b) {
        case (.limitExceeded, _), (_, .limitExceeded), (.failed, _), (_, .failed): return true
        default: return a == b
        }
    }

    /// Whether some literal occurs inside `folded[lo..<hi]` with only
    /// `prefixBytes` before it in the match, at most `maxPrefixLength` of them.
    static func hasLead(_ p: RegexPrefilter, _ folded: [UInt8], _ lo: Int, _ hi: Int) -> Bool {
        for lit in p.literals where lit.count <= hi - lo {
            for h in lo...(hi - lit.count) {
                if let m = p.maxPrefixLength, h - lo > m { break }
                if let b = p.prefixBytes, h > lo, !b.contains(folded[h - 1]) { break }
                if folded[h..<(h + lit.count)].elementsEqual(lit) { return true }
            }
        }
        return false
    }

    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        var i = haystack.startIndex
        while i + needle.count <= haystack.endIndex {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    // MARK: Tests

    /// Subjects for one regex: the corpus, strings sampled from its syntax
    /// tree in context and varied, and dense random strings over the
    /// characters its samples use (long runs, near misses, overlaps).
    static func subjects(for tree: RegexSyntaxTree, seed: UInt64, samples: Int = 100) -> [String] {
        var rng = SplitMix64(seed: seed)
        var subjects = corpus
        var alphabet: [Unicode.Scalar] = [" ", "x", "-", ".", "\n", "é"]
        for _ in 0..<samples {
            var sampler = Sampler(rng: rng)
            var sample: [Unicode.Scalar] = []
            sampler.sample(tree.root, into: &sample)
            rng = sampler.rng
            if alphabet.count < 64 { alphabet += sample.prefix(8) }
            let s = String(String.UnicodeScalarView(sample))
            let context = ["", " ", "x ", "Error: ", "ẞ", "\n", "9", "_", "x", "y"]
            let left = context[Int(rng.next() % UInt64(context.count))]
            let right = context[Int(rng.next() % UInt64(context.count))]
            subjects.append(left + s + right)
            subjects.append(vary(left + s + right, rng: &rng))
            subjects.append(vary(s, rng: &rng))
            subjects.append(s + String(alphabet[Int(rng.next() % UInt64(alphabet.count))]) + s)
        }
        for _ in 0..<samples {
            let n = Int(rng.next() % 48)
            let random = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            subjects.append(String(String.UnicodeScalarView(random)))
        }
        return subjects
    }

    @Test(arguments: allCases + leadCases)
    func analysisIsSound(c: Case) throws {
        let claims = Claims(c)
        guard !claims.claimsNothing else { return }  // runs always: nothing to check
        let tree = try #require(RegexParser.parse(c.pattern, caseInsensitive: c.caseless, options: c.options), "claims without a parse")
        let regex = try Compiled(c, backend: backend)
        let scratch = backend.makeScratch(limits: MatchLimits())
        var matches = 0
        var failures: [Failure] = []
        for subject in Self.subjects(for: tree, seed: Self.seed(c.pattern) &+ (c.caseless ? 1 : 0)) {
            let r = Self.check(regex, scratch: scratch, claims: claims, pattern: c.pattern, subject: subject)
            matches += r.matches
            failures += r.failures
        }
        #expect(failures.isEmpty, "\(failures.prefix(5).map(\.description).joined(separator: "\n"))")
        // Not vacuous: the samples (or the corpus) did match.
        #expect(matches > 0, "no subject matched \(c.pattern)")
    }

    /// Random regexes over a small alphabet, mixing every construct the
    /// analysis combines (optional and repeated groups, empty branches,
    /// lookarounds, inline case changes, classes), against sampled and
    /// random subjects.
    static let randomRuns: [(UInt64, [String])] = [
        (2024, RegexGenerator.atoms), (7, RegexGenerator.atoms + RegexGenerator.classAtoms),
    ]

    @Test(arguments: randomRuns)
    func randomRegexesAreSound(seed: UInt64, atoms: [String]) throws {
        var rng = SplitMix64(seed: seed)
        let scratch = backend.makeScratch(limits: MatchLimits())
        var failures: [Failure] = []
        var checked = (regexes: 0, prefilters: 0, bounded: 0, gates: 0)
        var matches = 0
        for k in 0..<1500 {
            var gen = RegexGenerator(rng: rng, atoms: atoms)
            let pattern = gen.alternation(depth: 0)
            rng = gen.rng
            let c = Case(pattern: pattern, caseless: k % 3 != 0)
            let claims = Claims(c)
            guard !claims.claimsNothing, let tree = RegexParser.parse(pattern, caseInsensitive: c.caseless, options: []),
                let regex = try? Compiled(c, backend: backend)
            else { continue }
            checked.regexes += 1
            if let p = claims.prefilter {
                checked.prefilters += 1
                if !p.atMatchStart && (p.prefixBytes != nil || p.maxPrefixLength != nil) { checked.bounded += 1 }
            }
            if claims.gate != nil { checked.gates += 1 }
            var subjects = Self.subjects(for: tree, seed: rng.next(), samples: 30)
            subjects.removeFirst(Self.corpus.count)
            for subject in subjects {
                let r = Self.check(regex, scratch: scratch, claims: claims, pattern: pattern, subject: subject)
                matches += r.matches
                failures += r.failures
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5).map(\.description).joined(separator: "\n"))")
        print("random regexes (seed \(seed)): \(checked), \(matches) matches")
        #expect(checked.regexes > 1000 && checked.prefilters > 150 && checked.bounded > 50 && checked.gates > 20, "\(checked)")
        #expect(matches > 3000)
    }

    /// The compiler takes a regex's run-gate shape from the literal analysis
    /// (`prefilterAndShape`) instead of computing `shape` again; the two must
    /// agree on every regex: the peer set, its neighbours in both case modes,
    /// and random regexes over every construct.
    @Test func analysisShapeIsTheShape() throws {
        var patterns = Self.peerRegexes + Self.allCases.map(\.pattern)
        var rng = SplitMix64(seed: 99)
        for _ in 0..<3000 {
            var gen = RegexGenerator(rng: rng, atoms: RegexGenerator.atoms + RegexGenerator.classAtoms)
            patterns.append(gen.alternation(depth: 0))
            rng = gen.rng
        }
        var compared = 0
        for p in patterns {
            for caseless in [true, false] {
                guard let tree = RegexParser.parse(p, caseInsensitive: caseless, options: []) else { continue }
                compared += 1
                let analysed = RegexLiteralAnalysis.prefilterAndShape(tree)
                #expect(analysed.shape == RegexLiteralAnalysis.shape(tree.root), "\(p) caseless: \(caseless)")
            }
        }
        #expect(compared > 5000)
    }

    /// Without UCP, `\w` and the POSIX classes the parser enumerates match
    /// exactly their ASCII members, in either case mode (PCRE2's default
    /// tables classify ASCII only, and caseless matching does not widen them).
    @Test(arguments: [#"\w"#, "[[:word:]]", "[[:alpha:]]", "[[:alnum:]]", #"[\w]"#, #"\d"#, #"\s"#, "[[:xdigit:]]"])
    func enumeratedClassesMatchTheirMembers(pattern: String) throws {
        let tree = try #require(RegexParser.parse(pattern, caseInsensitive: false, options: []))
        guard case .set(let cls, _) = tree.root else {
            Issue.record("not a class: \(tree.root)")
            return
        }
        #expect(!cls.open && !cls.negated)
        let members = Set((cls.written + cls.implied).flatMap { Array($0) })
        let scratch = backend.makeScratch(limits: MatchLimits())
        for caseless in [false, true] {
            let regex = try backend.compile(pattern, options: RegexCompileOptions(caseInsensitive: caseless, options: []))
            var wrong: [String] = []
            for v in UInt32(0)...0x3000 {
                guard let c = Unicode.Scalar(v) else { continue }
                let text = Array(String(c).utf8)
                let matched = text.withUnsafeBufferPointer { regex.firstMatch(in: $0, from: 0, validUTF8: true, scratch: scratch) } != .noMatch
                if matched != members.contains(v) { wrong.append("U+\(String(v, radix: 16))") }
            }
            #expect(wrong.isEmpty, "\(caseless ? "caseless" : "case-sensitive"): \(wrong.prefix(10))")
        }
    }

    /// `\G` holds where the search starts, so a search started later finds
    /// matches a search from 0 does not: such regexes get no search start.
    @Test func searchStartAssertionDependsOnTheStart() throws {
        let regex = try backend.compile(#"\Gfoo"#, options: RegexCompileOptions(caseInsensitive: true, options: []))
        let scratch = backend.makeScratch(limits: MatchLimits())
        let text = Array("x foo".utf8)
        #expect(Self.firstMatch(regex, in: text, from: 0, scratch: scratch) == .noMatch)
        #expect(Self.firstMatch(regex, in: text, from: 2, scratch: scratch) == .match(2..<5))
        let p = try #require(RegexLiteralAnalysis.prefilter(pattern: #"\Gfoo"#, caseInsensitive: true, options: []))
        #expect(!p.atMatchStart && p.prefixBytes == nil && p.maxPrefixLength == nil)
        #expect(RegexLiteralAnalysis.runGate(pattern: #"\G\d{8}"#, caseInsensitive: true, options: []) == nil)
    }

    /// Every character PCRE2 matches caselessly with a given one folds to one
    /// of the literals the analysis derives for it.
    @Test func caselessCharactersMatchOnlyTheirFolds() throws {
        var cased: [Unicode.Scalar] = []
        var subjectScalars: [Unicode.Scalar] = []
        let blocks: [ClosedRange<UInt32>] = [
            0x20...0x33FF, 0xA640...0xABFF, 0xFB00...0xFF5F, 0x10400...0x104FF, 0x10C80...0x10CFF,
            0x118A0...0x118FF, 0x16E40...0x16E9F, 0x1E900...0x1E95F,
        ]
        for v in UInt32(0x20)...0x1FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            let isCased = s.properties.changesWhenCaseMapped || CaselessMatching.groups[v] != nil
            if isCased { cased.append(s) }
            if isCased || blocks.contains(where: { $0.contains(v) }) { subjectScalars.append(s) }
        }
        let subject = Array(String(String.UnicodeScalarView(subjectScalars)).utf8)
        let scratch = backend.makeScratch(limits: MatchLimits())
        var failures: [String] = []
        var checked = 0
        for c in cased {
            let pattern = "\\x{\(String(c.value, radix: 16))}"
            let regex = try backend.compile(pattern, options: RegexCompileOptions(caseInsensitive: true, options: []))
            let expected = Set(CaselessMatching.foldedVariants(of: c, caseless: true))
            var start = 0
            while start < subject.count {
                let result = subject.withUnsafeBufferPointer { regex.firstMatch(in: $0, from: start, validUTF8: true, scratch: scratch) }
                guard case .match(let r) = result else { break }
                let matched = String(decoding: subject[r], as: UTF8.self)
                checked += 1
                if !expected.contains(CaseFolding.foldedUTF8(matched)) {
                    failures.append("U+\(String(c.value, radix: 16)) matched \(matched.debugDescription)")
                }
                start = r.upperBound
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(20))")
        #expect(checked >= cased.count)
    }

    // MARK: Subject generation

    static func seed(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// A copy of `s` with random case flips, case variants, an inserted
    /// space and changed digits.
    static func vary(_ s: String, rng: inout SplitMix64) -> String {
        var out: [Unicode.Scalar] = []
        for c in s.unicodeScalars {
            switch rng.next() % 10 {
            case 0, 1:
                out += String(c).uppercased().unicodeScalars
            case 2:
                out += String(c).lowercased().unicodeScalars
            case 3:
                out.append(Sampler.variants(of: c).randomElement(using: &rng)!)
            case 4 where ("0"..."9").contains(c):
                out.append(Unicode.Scalar(UInt8(0x30 + rng.next() % 10)))
            case 5 where rng.next() % 4 == 0:
                out += [" ", c]
            default:
                out.append(c)
            }
        }
        return String(String.UnicodeScalarView(out))
    }
}

/// Random strings from a regex's syntax tree.
struct Sampler {
    var rng: SplitMix64

    /// For classes and items the sampler does not enumerate: mostly word
    /// characters (what `\w`, `\S` and `[^…]` usually stand for), some others.
    static let palette: [Unicode.Scalar] = [
        "a", "b", "q", "Z", "0", "7", "x", "é", "_", "ß", "\u{212A}", "ſ", "a", "e", "1", " ", "-", ".", "\n", "%", ":", "/",
    ]

    /// The character itself and what PCRE2 may match with it caselessly.
    static func variants(of c: Unicode.Scalar) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = [c]
        out += String(c).uppercased().unicodeScalars.count == 1 ? Array(String(c).uppercased().unicodeScalars) : []
        out += String(c).lowercased().unicodeScalars.count == 1 ? Array(String(c).lowercased().unicodeScalars) : []
        out += (CaselessMatching.groups[c.value] ?? []).compactMap(Unicode.Scalar.init)
        if c == "k" || c == "K" { out.append("\u{212A}") }
        if c == "s" || c == "S" { out.append("\u{017F}") }
        return out
    }

    mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }

    mutating func sample(_ node: RegexNode, into out: inout [Unicode.Scalar]) {
        switch node {
        case .empty, .assertion, .lookaround, .resetMatchStart:
            break
        case .char(let c, let caseless):
            out.append(caseless && rng.next() % 3 == 0 ? pick(Sampler.variants(of: c)) : c)
        case .set(let cls, let caseless):
            let ranges = cls.written + cls.implied
            if !cls.negated, !ranges.isEmpty, rng.next() % 20 != 0 {
                let r = pick(ranges)
                let v = r.lowerBound + UInt32(rng.next() % UInt64(r.count))
                let c = Unicode.Scalar(v) ?? "a"
                out.append(caseless && rng.next() % 3 == 0 ? pick(Sampler.variants(of: c)) : c)
            } else {
                out.append(pick(Sampler.palette))
            }
        case .unknown, .backreference:
            for _ in 0..<(rng.next() % 3) { out.append(pick(Sampler.palette)) }
        case .concat(let items):
            for item in items { sample(item, into: &out) }
        case .alternation(let branches):
            sample(pick(branches), into: &out)
        case .repetition(let x, let lo, let hi):
            let top = Swift.min(hi ?? lo + 3, lo + 3)
            let k = lo + Int(rng.next() % UInt64(top - lo + 1))
            for _ in 0..<Swift.min(k, 64) { sample(x, into: &out) }
        }
    }
}

/// Random regexes in the supported syntax.
struct RegexGenerator {
    var rng: SplitMix64
    var atoms = RegexGenerator.atoms

    static let atoms = [
        "a", "b", "c", "ab", "K", "k", "ß", "µ", "é", "S", #"\d"#, "[ab]", "[a-c]", "[Kß]", "[^a]", ".", #"\."#, "%", "#",
        "@", "zq", "Σ", "[%#]",
        #"\Qa+\E"#, "x", #"\b"#, "(?=a)", "(?<=b)", "(?!c)", "$", #"\x{212A}"#, "[[:digit:]]",
    ]
    /// Classes and escapes for byte shapes: small, large, folding into ASCII,
    /// non-ASCII, multi-byte folds, zero-width.
    static let classAtoms = [
        "[0-9a-f]", "[ -]", #"\w"#, #"\s"#, #"\h"#, "[à-ÿ]", "ſ", "İ", "ﬁ", "[A-F]", #"[\x{100}-\x{3000}]"#, "[[:alpha:]]",
        #"\d{2,4}"#, "[a-c]{3}", #"\S"#, #"\R"#, "(?<=[0-9])", "(?![a-f])", "ǅ",
    ]
    static let quantifiers = ["", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,3}", "??", "*+", "{2,}"]

    mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }

    mutating func alternation(depth: Int) -> String {
        (0..<(1 + rng.next() % 3)).map { _ in concat(depth: depth) }.joined(separator: "|")
    }

    mutating func concat(depth: Int) -> String {
        var out = ""
        for _ in 0..<(rng.next() % 5) {
            var item: String
            if depth < 3 && rng.next() % 4 == 0 {
                let open = pick(["(?:", "(", "(?i:", "(?-i:", "(?>"])
                item = open + alternation(depth: depth + 1) + ")"
            } else if rng.next() % 12 == 0 {
                item = pick(["(?i)", "(?-i)"])
                out += item
                continue
            } else {
                item = pick(atoms)
            }
            let zeroWidth = item == #"\b"# || item == "$" || item.hasPrefix("(?=") || item.hasPrefix("(?<") || item.hasPrefix("(?!")
            out += item + (zeroWidth ? "" : pick(RegexGenerator.quantifiers))
        }
        return out
    }
}

