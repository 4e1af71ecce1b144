import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reads JSON request bodies so that every way a body can be wrong gets its
/// own 4xx, never a 500: over the size limit 413, typed as anything but JSON
/// 415, not JSON (or a field of the wrong type) 400 naming the field.
enum JSONBody {
    /// Decodes the body as `T`. An empty body is `whenEmpty` if given, else a 400.
    static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, limit: Int, whenEmpty: T? = nil
    ) async throws(APIError) -> T {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.payloadTooLarge(limit: limit)
        }
        let contentType = request.headers[.contentType]
        if let contentType, !isJSON(contentType) { throw APIError.unsupportedMediaType(contentType) }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge(limit: limit)
        } catch {
            throw APIError.validation("body: could not be read")
        }
        if buffer.readableBytes == 0 || isBlank(buffer) {
            if let whenEmpty { return whenEmpty }
            throw APIError.validation("body: required, a JSON object")
        }
        // A body with no Content-Type is refused rather than guessed at.
        guard contentType != nil else { throw APIError.unsupportedMediaType(nil) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.validation(message(for: error))
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.validation("body: not valid JSON")
        }
    }

    /// `application/json` or any `+json` type, with or without parameters.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    static func isBlank(_ buffer: ByteBuffer) -> Bool {
        buffer.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    /// "field: why", for the 400's message.
    static func message(for error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "body: not valid JSON"
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return "body: must be a JSON object"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(path(context)): must be \(describe(type))"
        case .keyNotFound(let key, _):
            return "\(key.stringValue): required"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "body: could not be decoded"
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "of another type"
        }
    }
}
