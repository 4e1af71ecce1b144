import TriageCore

/// A deterministic generator of synthetic incidents, for benchmarks.
///
/// The same count and seed give the same incidents on every machine and
/// every run (SplitMix64, no Foundation randomness), so figures measured on
/// a generated corpus can be reproduced. The text mixes the vocabulary
/// rule packs look for (outages, errors, databases, networks, queues,
/// deploys) with filler, log excerpts, stack traces, identifiers and some
/// non-ASCII names, in the proportions of real incident descriptions:
/// titles of 30-90 characters, descriptions of roughly 150-1,500.
public struct SyntheticCorpus {
    private var rng: SplitMix64

    public init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
    }

    /// `count` incidents with ids `SYN-0000001`, `SYN-0000002`, ….
    public static func generate(count: Int, seed: UInt64 = 42) -> [Incident] {
        var g = SyntheticCorpus(seed: seed)
        return (1...max(count, 1)).prefix(count).map { g.next(number: $0) }
    }

    public mutating func next(number: Int) -> Incident {
        let family = pick(Self.families)
        let service = pick(Self.services)
        let other = pick(Self.services)
        let region = pick(Self.regions)
        var title = fill(pick(family.titles), service, other, region)
        if title.count > 90 { title = String(title.prefix(90)) }
        var parts = [String]()
        parts.append(fill(pick(Self.openers), service, other, region))
        let sentences = 1 + Int(rng.next() % 4)
        for _ in 0..<sentences { parts.append(fill(pick(family.sentences), service, other, region)) }
        if rng.next() % 100 < 45 { parts.append("\n\n```\n" + fill(pick(family.logs), service, other, region) + "\n```") }
        if rng.next() % 100 < 20 { parts.append("\n" + pick(Self.traces)) }
        if rng.next() % 100 < 60 { parts.append(fill(pick(Self.closers), service, other, region)) }
        if rng.next() % 100 < 15 { parts.append("On call: \(pick(Self.people)).") }
        let id = "SYN-" + String(repeating: "0", count: max(0, 7 - String(number).count)) + String(number)
        return Incident(id: id, title: title, description: parts.joined(separator: " "))
    }

    private mutating func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }

    private mutating func number(_ lo: Int, _ hi: Int) -> Int { lo + Int(rng.next() % UInt64(hi - lo + 1)) }

    /// Replaces placeholders: {s} {o} service names, {r} region, {n} a
    /// number, {ip} an address, {v} a version, {t} a timestamp, {id} a hex id.
    private mutating func fill(_ template: String, _ s: String, _ o: String, _ r: String) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            switch rest[rest.index(after: open)..<close] {
            case "s": out += s
            case "o": out += o
            case "r": out += r
            case "n": out += String(number(2, 9_999))
            case "ip": out += "10.\(number(0, 255)).\(number(0, 255)).\(number(1, 254))"
            case "v": out += "\(number(1, 9)).\(number(0, 30)).\(number(0, 12))"
            case "t": out += "2026-\(pad(number(1, 12))) \(pad(number(0, 23))):\(pad(number(0, 59))) UTC"
            case "id": out += String(rng.next() & 0xFFFF_FFFF, radix: 16)
            default: out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    private func pad(_ x: Int) -> String { x < 10 ? "0\(x)" : String(x) }

    struct Family {
        var titles: [String]
        var sentences: [String]
        var logs: [String]
    }

    static let families: [Family] = [
        Family(
            titles: ["{s} cannot reach {o}: connection refused", "Packet loss between {r} and the edge", "Timeouts calling {o} from {s}", "{s} upstream connect errors via the load balancer"],
            sentences: ["Requests from {s} to {o} are timing out after {n} ms; retries do not help.", "Traceroute shows packet loss at the second hop in {r}.", "The load balancer marks {n} backends unhealthy.", "DNS resolution for {o}.internal returns SERVFAIL intermittently."],
            logs: ["dial tcp {ip}:5432: connect: connection refused", "upstream connect error or disconnect/reset before headers. reset reason: connection failure", "read tcp {ip}:443->{ip}:51234: i/o timeout"]),
        Family(
            titles: ["Database {s}-db primary unavailable", "Replication lag on {s} replicas in {r}", "Too many connections on the {s} database", "Deadlocks in {s} after release {v}"],
            sentences: ["The primary stopped accepting writes at {t}.", "Replication lag reached {n} seconds on two replicas.", "The connection pool is exhausted: FATAL: too many connections for role app.", "ERROR: deadlock detected while updating orders."],
            logs: ["FATAL: remaining connection slots are reserved for non-replication superuser connections", "ORA-00060: deadlock detected while waiting for resource", "SQLSTATE[08006] could not connect to server"]),
        Family(
            titles: ["Pods of {s} in CrashLoopBackOff", "Node pool in {r} not ready", "{s} OOMKilled after deploy {v}", "Kubernetes control plane errors in {r}"],
            sentences: ["{n} pods are restarting; kubectl shows exit code 137.", "The node pool lost {n} nodes; 0/{n} nodes are available.", "Memory usage at 98% on the {s} containers.", "The rollout of {s} version {v} was paused."],
            logs: ["Back-off restarting failed container {s} in pod {s}-7d9f8c6b5-x2k4p", "Warning FailedScheduling 0/12 nodes are available: insufficient memory", "OOMKilled: container {s} exceeded its memory limit"]),
        Family(
            titles: ["Checkout failing with 502 in {r}", "Payments declined for some customers", "Elevated 5xx on {s} API", "Login errors: SSO returns 401"],
            sentences: ["All payment attempts fail with HTTP 502 from the gateway.", "Error rate at {n}% for {s} since {t}.", "Customers cannot log in; the identity provider returns 401.", "About {n} customers are affected, mostly in {r}."],
            logs: ["POST /v1/charges 502 Bad Gateway in {n} ms", "GET /api/session 401 Unauthorized", "HTTP/1.1 503 Service Unavailable"]),
        Family(
            titles: ["Kafka consumer lag on {s}", "Webhooks delayed for {s}", "Email delivery delayed", "Dead-letter queue growing for {s}"],
            sentences: ["Consumer lag is {n} messages and growing.", "Webhook deliveries are delayed by up to {n} minutes.", "The queue depth of {s} reached {n}.", "Messages land in the dead-letter queue after {n} retries."],
            logs: ["consumer group {s} lag={n} partition=3", "SQS ApproximateNumberOfMessagesVisible={n}", "delivery attempt {n} failed: timeout"]),
        Family(
            titles: ["Disk full on {s} hosts", "Object storage errors in {r}", "Backups of {s} failing", "High CPU on {s} instances"],
            sentences: ["Disk usage at 100% on /var/lib/{s}.", "PUT requests to object storage fail with 503 SlowDown.", "The nightly backup of {s} failed: snapshot timed out.", "CPU at 97% on {n} instances; autoscaling is at its maximum."],
            logs: ["No space left on device: /var/lib/{s}/data", "S3 PutObject 503 SlowDown request id {id}", "EXT4-fs error (device nvme1n1): ext4_find_entry"]),
        Family(
            titles: ["Scheduled maintenance for {s}", "Tooltip misaligned on the {s} page", "Resolved: {s} latency", "Monitoring gaps for {s}"],
            sentences: ["Maintenance is planned for {t}; no impact is expected.", "The label overlaps the button; purely cosmetic.", "The issue has been resolved and latency is back to normal.", "Metrics for {s} were missing for {n} minutes; alerts did not fire."],
            logs: ["maintenance window {t} for {n} minutes", "dashboard panel {s}-latency: no data", "alertmanager: notify retry {n}"]),
    ]

    static let services = [
        "checkout", "payments-api", "auth-service", "search-indexer", "orders", "billing-worker", "notifications",
        "webhook-dispatcher", "inventory", "identity-provider", "media-upload", "reporting", "ledger", "gateway",
    ]
    static let regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "europe-west4", "us-central1", "São Paulo", "Frankfurt", "東京"]
    static let openers = ["Since {t}, ", "We are investigating reports that ", "Alert from monitoring: ", "Customer ticket #{n}: ", "", "Update: "]
    static let closers = ["Next update in 30 minutes.", "Runbook: https://wiki.example.com/runbooks/{s}", "Owner: team-{s}.", "Impact is limited to {r}.", "We will post an update by {t}."]
    static let people = ["Zoë Müller", "田中 太郎", "José Álvarez", "Åsa Lindqvist", "Chidi Okafor", "Priya Raman"]
    static let traces = [
        "java.lang.IllegalStateException: pool exhausted\n\tat com.example.db.Pool.borrow(Pool.java:212)\n\tat com.example.orders.Repo.save(Repo.java:88)",
        "Traceback (most recent call last):\n  File \"/app/worker.py\", line 42, in run\nTimeoutError: timed out",
        "panic: runtime error: invalid memory address or nil pointer dereference\ngoroutine 17 [running]:",
    ]
}

