import Foundation
import HTTPTypes
import Hummingbird
import TriageCore
import TriageIO

/// JSON responses, written with the same `JSONWriter` as the CLI's output
/// (and so with the CLI's evidence form).
extension Response {
    static func json(_ status: HTTPResponse.Status, _ write: (inout JSONWriter) -> Void) -> Response {
        var w = JSONWriter(reservingCapacity: 512)
        write(&w)
        return json(status, w.bytes)
    }

    static func json(_ status: HTTPResponse.Status, _ body: [UInt8]) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension JSONWriter {
    mutating func optionalString(_ s: String?) {
        if let s { string(s) } else { null() }
    }

    mutating func optionalPack(_ p: PackMetadata?) {
        if let p { packMetadata(p) } else { null() }
    }

    /// `POST /v1/incidents/chat`'s 201 body.
    mutating func incidentCreated(_ created: IncidentCreated) {
        beginObject()
        key("incidentId")
        string(created.incident.id)
        key("title")
        string(created.incident.title)
        key("severity")
        string(created.incident.severity)
        key("status")
        string(created.incident.status)
        key("source")
        string(created.incident.source)
        key("investigationsRemaining")
        int(created.remaining.investigations)
        key("eventsRemaining")
        int(created.remaining.events)
        endObject()
    }

    /// The fields of a triage, the contract's first, then the priority
    /// override, when it finished, and the pack that classified it.
    mutating func triageFields(_ t: TriageRecord) {
        key("triageId")
        string(t.id)
        key("incidentId")
        string(t.incidentID)
        key("status")
        string(t.status.rawValue)
        key("classifiedSeverity")
        optionalString(t.classifiedSeverity?.name)
        key("assignedAgents")
        beginArray()
        for a in t.assignedAgents { string(a) }
        endArray()
        key("startedAt")
        string(Timestamps.iso8601(t.startedAt))
        key("priority")
        optionalString(t.priority?.name)
        key("completedAt")
        optionalString(t.completedAt.map(Timestamps.iso8601))
        key("pack")
        optionalPack(t.pack)
        if let failure = t.failure {
            key("failure")
            string(failure)
        }
    }

    mutating func triage(_ t: TriageRecord) {
        beginObject()
        triageFields(t)
        endObject()
    }

    /// `GET /v1/triage/{incidentId}/evidence`: what the rules decided beside
    /// the priority that overrode them, and the stored evidence document.
    mutating func evidenceRecord(_ e: EvidenceRecord) {
        beginObject()
        key("triageId")
        string(e.triage.id)
        key("incidentId")
        string(e.triage.incidentID)
        key("classifiedSeverity")
        optionalString(e.triage.classifiedSeverity?.name)
        key("ruleSeverity")
        optionalString(e.triage.ruleSeverity?.name)
        key("priority")
        optionalString(e.triage.priority?.name)
        key("assignedAgents")
        beginArray()
        for a in e.triage.assignedAgents { string(a) }
        endArray()
        key("pack")
        optionalPack(e.triage.pack)
        key("evidence")
        var document = e.document
        document.withUTF8 { rawValue($0) }
        endObject()
    }
}
