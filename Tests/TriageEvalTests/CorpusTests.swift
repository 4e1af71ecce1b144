import Testing
import TriageCore
import TriageEval

/// Reading labelled JSONL: what each row yields, and located errors.
@Suite struct CorpusTests {
    static let rows: [(String, String)] = [
        (#"{"id":"a","title":"T","description":"D","severity":"high","agents":["db"],"agents_complete":true}"#,
         "a high [db] complete=true scored"),
        (#"{"id":7,"title":"T","description":"D","context":"C","severity":"info"}"#, "7 info - complete=nil unscored"),
        (#"{"id":"b","title":"T","description":"D","severity":"low","agents":[],"agents_complete":false}"#,
         "b low [] complete=false unscored"),
        (#"{"id":"c","title":"T","description":"D","severity":"medium","agents":null}"#, "c medium - complete=nil unscored"),
        (#"{"id":"a","title":"T","description":"D"}"#, #"1: error: missing required field "severity""#),
        (#"{"id":"a","title":"T","description":"D","severity":"urgent"}"#,
         #"1: error: unknown severity "urgent"; severities are critical, high, medium, low and info"#),
        (#"{"id":"a","title":"T","description":"D","severity":"low","agents":"db"}"#, #"1: error: "agents" must be a list of strings"#),
        (#"{"id":"a","title":"T","description":"D","severity":"low","agents":[1]}"#, #"1: error: "agents" must be a list of strings"#),
        (#"{"id":"a","title":"T","description":"D","severity":"low","agents_complete":"yes"}"#,
         #"1: error: "agents_complete" must be true or false"#),
        (#"{"id":"a","title":5,"description":"D","severity":"low"}"#, #"1: error: "title" must be a string"#),
        (#"{"id":"a","title":"T","#, "1:23: error: expected object key"),
        ("[1, 2]", "1: error: expected a JSON object"),
    ]

    @Test(arguments: rows)
    func row(row: (String, String)) {
        let (items, errors) = LabelledCorpus.parse(Array(row.0.utf8))
        if let e = errors.first {
            #expect(e.description == row.1)
            #expect(items.isEmpty)
        } else {
            let r = items[0]
            let agents = r.agents.map { "[" + $0.joined(separator: ",") + "]" } ?? "-"
            let complete = r.agentsComplete.map { "\($0)" } ?? "nil"
            #expect("\(r.incident.id) \(r.severity) \(agents) complete=\(complete) \(r.scoresAgents ? "scored" : "unscored")" == row.1)
        }
    }

    @Test func linesAndBlanks() {
        let text = "\n" + #"{"id":"a","title":"T","description":"D","severity":"low"}"# + "\n  \n" + "oops\n"
            + #"{"id":"b","title":"T","description":"D","severity":"high"}"#
        let (items, errors) = LabelledCorpus.parse(Array(text.utf8))
        #expect(items.map(\.line) == [2, 5])
        #expect(errors.map(\.description) == ["4:1: error: expected a value"])
    }
}
