import Testing
@testable import TriageServer

/// The two header parsers every request goes through.
@Suite struct HeaderParsingTests {
    static let bearer: [(String, String?)] = [
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bearer abc", "abc"),
        ("BEARER abc", "abc"),
        ("  Bearer   abc  ", "abc"),
        ("Bearer\tabc", nil),  // the scheme ends at a space
        ("Bearer  \tabc\t", "abc"),
        ("Bearer", nil),
        ("Bearer ", nil),
        ("Bearer    ", nil),
        ("Basic abc", nil),
        ("Bearerx abc", nil),
        ("Beare abc", nil),
        ("abc", nil),
        ("", nil),
        ("Bearer a b", "a b"),  // not a token; verification refuses it
    ]

    @Test(arguments: bearer)
    func bearerToken(row: (String, String?)) {
        #expect(AuthMiddleware.bearerToken(row.0) == row.1)
    }

    static let contentTypes: [(String, Bool)] = [
        ("application/json", true),
        ("Application/JSON", true),
        ("application/json; charset=utf-8", true),
        ("application/json;charset=UTF-8", true),
        (" application/json ; charset=utf-8", true),
        ("application/problem+json", true),
        ("application/vnd.triage.v1+json", true),
        ("application/+json", false),
        ("application/jsonx", false),
        ("application/xjson", false),
        ("text/json", false),
        ("text/plain", false),
        ("application/x-www-form-urlencoded", false),
        ("multipart/form-data; boundary=x", false),
        ("", false),
        ("json", false),
    ]

    @Test(arguments: contentTypes)
    func isJSON(row: (String, Bool)) {
        #expect(JSONBody.isJSON(row.0) == row.1)
    }
}
