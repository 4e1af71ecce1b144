import TriageCore

/// Rule packs for benchmarks, built in code so that they need no files.
///
/// - `keywords`: one rule per operations term (outages, errors, databases,
///   networks, queues, deploys…), whole-word keywords and phrases only.
/// - `regexHeavy`: one rule per regex over the error messages, codes and
///   measurements incidents carry (HTTP statuses, database error codes,
///   latencies, addresses, identifiers, stack frames), plus a few keywords.
/// - `generated`: `count` rules over synthetic words, for compile-time
///   measurements of large packs.
public enum SyntheticPacks {
    static let agents = ["database", "network", "compute", "storage", "messaging", "auth", "payments", "frontend"]
        .map { AgentDefinition(id: $0) }

    static func pack(_ name: String, _ rules: [Rule]) -> RulePack {
        RulePack(
            metadata: PackMetadata(name: name, version: "1.0.0", hash: "synthetic"), agents: agents,
            thresholds: SeverityThresholds(critical: 10, high: 6, medium: 3, low: 1), rules: rules)
    }

    public static let keywordTerms: [String] = [
        "outage", "unavailable", "unreachable", "connection refused", "connection reset", "timed out", "timeout",
        "packet loss", "latency", "slow", "degraded", "errors", "error rate", "failing", "failed", "502", "503", "504",
        "bad gateway", "service unavailable", "gateway timeout", "database", "primary", "replica", "replication lag",
        "deadlock", "too many connections", "connection pool", "postgres", "mysql", "redis", "mongodb", "kafka",
        "consumer lag", "queue", "dead-letter queue", "webhook", "webhooks", "email", "delivery", "kubernetes", "pod",
        "pods", "crashloopbackoff", "oomkilled", "node pool", "nodes", "deploy", "deployment", "rollout", "rollback",
        "release", "config", "feature flag", "disk", "disk full", "no space left on device", "volume", "object storage",
        "backup", "snapshot", "cpu", "memory", "out of memory", "autoscaling", "instances", "load balancer", "dns",
        "servfail", "nxdomain", "certificate", "tls", "x509", "expired", "login", "sso", "unauthorized", "401", "403",
        "token", "checkout", "payment", "payments", "declined", "billing", "invoice", "refund", "dashboard", "page",
        "javascript", "mobile app", "monitoring", "metrics", "alerts", "logs", "tracing", "maintenance",
        "scheduled maintenance", "resolved", "mitigated", "monitoring the fix", "investigating", "identified",
        "all customers", "some customers", "a subset", "one customer", "region", "data loss", "corruption", "breach",
        "leaked", "ddos", "vulnerability", "cve", "security", "firewall", "vpn", "bgp", "routing", "cdn", "edge",
        "third party", "vendor", "provider", "upstream", "ci", "pipeline", "build", "runner", "registry", "artifact",
    ]

    /// One keyword rule per operations term, with agents on some.
    public static func keywords() -> RulePack {
        pack("synthetic-keywords", keywordTerms.enumerated().map { i, term in
            let spec: PatternSpec = term.contains(" ") ? .phrase(term) : .keyword(term)
            return Rule(
                id: "kw\(i)", condition: .pattern(spec, fields: nil), score: Double(i % 5) - 1,
                agents: i % 3 == 0 ? [AgentWeight(agent: agents[i % agents.count].id, weight: 1.5)] : [])
        })
    }

    public static let regexes: [String] = [
        #"\b5\d\d\b"#, #"\b4\d\d\b"#, #"\bhttp/[12](?:\.[01])?\s+[45]\d\d\b"#, #"\bora-\d{5}\b"#,
        #"\bsqlstate\s*\[?\w{5}"#, #"\berror\s+\d{4}\b"#, #"\bp99\s*(?:latency)?\s*[>=:]?\s*\d+\s*ms\b"#,
        #"\blatency\s+(?:of\s+|is\s+|at\s+)?\d+(?:\.\d+)?\s*(?:ms|s)\b"#, #"\b\d+(?:\.\d+)?\s*%\s+(?:errors?|packet loss)"#,
        #"\berror rate\s*(?:of|at|is|=|:)?\s*\d+(?:\.\d+)?\s*%"#, #"\b(?:\d{1,3}\.){3}\d{1,3}\b"#,
        #"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"#, #"\bv?\d+\.\d+\.\d+\b"#,
        #"\b(?:us|eu|ap)-[a-z]+-\d\b"#, #"\b(?:europe|asia|us)-[a-z]+\d\b"#, #"\bsev[- ]?[0-4]\b"#,
        #"\bexit(?:ed)?\s+(?:with\s+)?(?:code|status)\s*:?\s*\d+"#, #"\boom[- ]?kill(?:ed|er)?\b"#,
        #"\b(?:java|javax|org|com)\.[a-z0-9_.]+(?:exception|error)\b"#, #"\bat\s+[a-z0-9_.$]+\([a-z0-9_]+\.java:\d+\)"#,
        #"file\s+"[^"]+\.py",\s+line\s+\d+"#, #"\bgoroutine\s+\d+\s+\[[a-z ]+\]"#, #"panic:\s+runtime error"#,
        #"\bsig(?:segv|kill|abrt|bus)\b"#, #"\bfatal:\s+(?:too many connections|remaining connection slots)"#,
        #"\breplication\s+lag\s*(?:of|is|at|:)?\s*\d+"#, #"\bconsumer\s+lag\s*(?:of|is|at|:|=)?\s*\d[\d,]*"#,
        #"\bcert(?:ificate)?s?\s+(?:expires?|expired|expiring)\b"#, #"\b(?:deploy|release|build)\s*#\d{3,}"#,
        #"\b(?:jira|ops|sre)-\d+\b"#, #"\b\d+/\d+\s+nodes\s+are\s+available\b"#, #"\brestarted\s+\d+\s+times\b"#,
        #"\bx509:\s+certificate\s+(?:has expired|signed by unknown authority)"#, #"\bport\s+\d{2,5}\b"#,
        #"\b(?:get|post|put|delete|patch)\s+/[a-z0-9/_.-]*"#, #"\b\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}:\d{2}"#,
        #"\b\d+(?:\.\d+)?\s*(?:gib|gb|mib|mb)\b"#, #"\b\d+\s+(?:customers|users|tenants)\s+(?:affected|impacted)\b"#,
        #"\b(?:all|most|many)\s+(?:customers|users)\b"#, #"\b(?:checkout|payment|login)s?\s+(?:is\s+|are\s+)?(?:failing|down)\b"#,
        #"\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b"#, #"\b\d{3,}\s+failed\s+(?:login|auth)\w*\s+attempts\b"#,
        #"\bthread\s+pool\s+(?:exhausted|saturated)\b"#, #"\b(?:queue|backlog)\s+(?:depth|size)\s*(?:of|is|:)?\s*\d[\d,]*"#,
        #"\bdead[- ]?letter\b"#, #"\bdeadlock\s+detected\b"#, #"\bconnection\s+(?:refused|reset|timed out)\s+(?:to|from|by)\s+\S+"#,
        #"\b(?:dial|connect)\s+tcp\s+[\d.]+:\d+"#, #"\bread\s+tcp\s+[\d.:]+->[\d.:]+"#, #"\bi/o\s+timeout\b"#,
        #"\bstatus(?:\s*code)?\s*[=:]?\s*[45]\d\d\b"#, #"\b(?:returned|returning|returns)\s+(?:http\s+)?[45]\d\d\b"#,
        #"\bno space left on device\b"#, #"\b(?:cpu|memory)\s+(?:usage\s+)?(?:at\s+|is\s+)?(?:9\d|100)\s*%"#,
        #"\bdisk\s+(?:usage\s+)?(?:at\s+|is\s+)?(?:9\d|100)\s*%"#, #"\bback-off restarting failed container\b"#,
    ]

    /// One rule per regex, plus a handful of keyword rules.
    public static func regexHeavy() -> RulePack {
        var rules = regexes.enumerated().map { i, re in
            Rule(id: "rx\(i)", condition: .pattern(.regex(re), fields: nil), score: Double(i % 4))
        }
        rules += keywordTerms.prefix(20).enumerated().map { i, term in
            Rule(id: "kw\(i)", condition: .pattern(.phrase(term), fields: nil), score: 1)
        }
        return pack("synthetic-regex-heavy", rules)
    }

    /// `count` rules over synthetic words (most keyword rules, some with
    /// conditions, one in twenty a regex), the same for a given seed.
    public static func generated(count: Int, seed: UInt64 = 7) -> RulePack {
        var rng = SplitMix64(seed: seed)
        let syllables = ["ka", "lo", "mi", "ne", "tor", "sa", "ver", "dun", "pol", "rex", "fi", "gra", "zu", "men", "tal", "bo"]
        func word() -> String {
            (0..<(2 + Int(rng.next() % 3))).map { _ in syllables[Int(rng.next() % UInt64(syllables.count))] }.joined()
        }
        let rules = (0..<count).map { i -> Rule in
            let kind = rng.next() % 20
            let condition: Condition
            if kind == 0 {
                condition = .pattern(.regex(#"\b"# + word() + #"\s+\d{2,4}\b"#), fields: nil)
            } else if kind < 4 {
                condition = .all([.pattern(.keyword(word()), fields: nil), .none([.pattern(.keyword(word()), fields: nil)])])
            } else {
                condition = .any((0..<(1 + Int(rng.next() % 4))).map { _ in .pattern(.keyword(word()), fields: nil) })
            }
            return Rule(id: "g\(i)", condition: condition, score: Double(Int(rng.next() % 7) - 2),
                        agents: [AgentWeight(agent: agents[Int(rng.next() % UInt64(agents.count))].id, weight: 1)])
        }
        return pack("synthetic-\(count)", rules)
    }
}
