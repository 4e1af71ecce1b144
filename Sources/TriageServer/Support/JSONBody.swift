import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TriageIO

/// A request body the API reads: built from a parsed JSON object, or a 400
/// naming the field that is wrong and why.
///
/// Bodies are parsed with TriageIO's JSON scanner (the one `triage classify`
/// reads corpora with) rather than Foundation's `JSONDecoder`: on Linux the
/// decoder was the largest single cost of an idempotent `POST /v1/triage`,
/// and reading the fields by hand gives the messages the API wants.
protocol JSONRequestBody: Sendable {
    init(json: JSONObject) throws(APIError)
}

/// The members of a JSON object, read by name.
struct JSONObject {
    let members: [JSONValue.Member]

    /// The string under `key`: nil when absent or null, a 400 when not a string.
    func string(_ key: String) throws(APIError) -> String? {
        switch members.last(where: { $0.key == key })?.value {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw APIError.validation("\(key): must be a string, not \(Self.kind(other))")
        }
    }

    /// Why a string with U+0000 is refused: SQLite's text binding ends a
    /// string at its first NUL, so what was stored would not be what was
    /// acknowledged.
    static let nulProblem = "must not contain the NUL character (\\u0000)"

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool: "true or false"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Reads JSON request bodies so that every way a body can be wrong gets its
/// own 4xx, never a 500: over the size limit 413, typed as anything but JSON
/// 415, not JSON (or a field of the wrong type) 400 naming the field.
enum JSONBody {
    /// Decodes the body as `T`. An empty body is `whenEmpty` if given, else a 400.
    static func decode<T: JSONRequestBody>(
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
        let parsed = buffer.withUnsafeReadableBytes { raw -> Result<JSONValue, JSONParseError> in
            raw.withMemoryRebound(to: UInt8.self) { bytes in
                do throws(JSONParseError) { return .success(try JSONValue.parse(bytes)) } catch { return .failure(error) }
            }
        }
        switch parsed {
        case .failure(let error):
            throw APIError.validation("body: not valid JSON (\(error))")
        case .success(.object(let members)):
            return try T(json: JSONObject(members: members))
        case .success(let other):
            throw APIError.validation("body: must be a JSON object, not \(JSONObject.kind(other))")
        }
    }

    /// `application/json` or any `+json` type, with or without parameters
    /// (compared as ASCII, case-insensitively, without Foundation: it runs
    /// on every request with a body).
    static func isJSON(_ contentType: String) -> Bool {
        var media = Array(contentType.utf8.prefix { $0 != UInt8(ascii: ";") })
        while media.last == UInt8(ascii: " ") || media.last == UInt8(ascii: "\t") { media.removeLast() }
        while media.first == UInt8(ascii: " ") || media.first == UInt8(ascii: "\t") { media.removeFirst() }
        for i in media.indices where media[i] >= UInt8(ascii: "A") && media[i] <= UInt8(ascii: "Z") { media[i] |= 0x20 }
        let application = Array("application/".utf8)
        guard media.starts(with: application) else { return false }
        return media.count == application.count + 4 && media.suffix(4).elementsEqual("json".utf8)
            || media.count > application.count + 5 && media.suffix(5).elementsEqual("+json".utf8)
    }

    static func isBlank(_ buffer: ByteBuffer) -> Bool {
        buffer.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }
}
