import Foundation
import HTTPTypes
import Hummingbird
import TriageIO

/// Every error the API returns, in its one shape:
/// `{"error": {"code": "...", "message": "..."}}`.
///
/// The codes of the two contract pages (`validation_error`,
/// `event_quota_exceeded`, `unauthorized`, `forbidden`, `incident_not_found`,
/// `triage_already_running`, `quota_exceeded`, `triage_error`) are kept
/// exactly; the others follow the same snake_case style.
public struct APIError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        var w = JSONWriter(reservingCapacity: 128 + message.utf8.count)
        w.beginObject()
        w.key("error")
        w.beginObject()
        w.key("code")
        w.string(code)
        w.key("message")
        w.string(message)
        w.endObject()
        w.endObject()
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: w.bytes)))
    }
}

extension APIError {
    // MARK: The contract's errors

    /// A field is missing or fails validation; the message names the field and why.
    public static func validation(_ message: String) -> APIError {
        APIError(.badRequest, code: "validation_error", message: message)
    }

    public static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message, headers: [.wwwAuthenticate: "Bearer"])
    }

    public static func forbidden(role: String, allowed: [Role]) -> APIError {
        let names = allowed.map(\.rawValue)
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names[0]
        return APIError(.forbidden, code: "forbidden", message: "role \(role) may not do this; it needs \(list)")
    }

    public static func incidentNotFound(_ id: String) -> APIError {
        APIError(.notFound, code: "incident_not_found", message: "no incident with id \(id)")
    }

    public static func triageAlreadyRunning(_ incidentID: String) -> APIError {
        APIError(.conflict, code: "triage_already_running", message: "triage is already in progress for \(incidentID)")
    }

    public static func quotaExceeded(limit: Int) -> APIError {
        APIError(
            .tooManyRequests, code: "quota_exceeded",
            message: "the investigation quota (\(limit) a month) is exhausted for this billing period")
    }

    public static func eventQuotaExceeded(limit: Int) -> APIError {
        APIError(
            .tooManyRequests, code: "event_quota_exceeded",
            message: "the monthly event quota (\(limit)) has been reached")
    }

    public static func triageError(_ message: String) -> APIError {
        APIError(.internalServerError, code: "triage_error", message: message)
    }

    // MARK: The rest of the API

    public static func triageNotFound(_ incidentID: String) -> APIError {
        APIError(.notFound, code: "triage_not_found", message: "incident \(incidentID) has not been triaged")
    }

    public static func evidenceNotFound(_ incidentID: String) -> APIError {
        APIError(
            .notFound, code: "evidence_not_found",
            message: "incident \(incidentID) has no evidence: its triage has not completed")
    }

    public static func payloadTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "payload_too_large", message: "the request body is larger than \(limit) bytes")
    }

    public static func unsupportedMediaType(_ type: String?) -> APIError {
        APIError(
            .unsupportedMediaType, code: "unsupported_media_type",
            message: "the request body must be application/json, not \(type.map { "'\($0)'" } ?? "untyped")")
    }

    public static func packInvalid(_ message: String) -> APIError {
        APIError(.unprocessableContent, code: "pack_invalid", message: message)
    }

    public static func methodNotAllowed(_ method: String, allowed: [String]) -> APIError {
        APIError(
            .methodNotAllowed, code: "method_not_allowed",
            message: "\(method) is not allowed here; this path answers \(allowed.joined(separator: ", "))",
            headers: [.allow: allowed.joined(separator: ", ")])
    }

    public static let internalError = APIError(
        .internalServerError, code: "internal_error", message: "the server failed to handle the request")

    /// The error for a status that no handler chose itself (an unknown path,
    /// a method a path does not have).
    static func generic(_ status: HTTPResponse.Status, message: String?) -> APIError {
        let code: String
        switch status.code {
        case 400: code = "validation_error"
        case 401: code = "unauthorized"
        case 403: code = "forbidden"
        case 404: code = "not_found"
        case 405: code = "method_not_allowed"
        case 413: code = "payload_too_large"
        case 415: code = "unsupported_media_type"
        case 500...: code = "internal_error"
        default: code = status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
        }
        let text = message ?? (status.code == 404 ? "no such endpoint" : status.reasonPhrase.lowercased())
        return APIError(status, code: code, message: text)
    }
}
