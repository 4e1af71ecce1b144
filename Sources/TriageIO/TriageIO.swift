/// TriageIO: getting incidents in and verdicts out, fast.
///
/// `triage classify` has to stream corpora of hundreds of thousands of
/// incidents (a 200,000-line, 127 MB JSONL file in about a second on one
/// core), so this module reads, parses and writes bytes by hand instead of
/// going through `JSONDecoder`/`JSONEncoder`, which at ~150 MB/s would be
/// slower than the matching engine itself.
///
/// The pieces, in the order data flows through them:
///
/// - `LineChunkReader` reads a file or standard input with `read(2)` in large
///   blocks and cuts it into `LineChunk`s of whole lines (or whole CSV
///   records), each knowing the number of its first line. Chunk memory is
///   recycled, so steady-state reading touches no fresh pages.
/// - `OrderedParallelPipeline` hands chunks to worker threads and their
///   results back to the calling thread in input order, with a bounded number
///   of chunks in flight.
/// - `IncidentLineParser` decodes one JSONL line into reusable byte buffers
///   (the hot path); `CSVRecordParser` does the same for CSV records.
///   `JSONValue` parses any JSON for the paths that are not hot (labels,
///   expected outputs), on the same scanner.
/// - `JSONWriter` and `CSVWriter` render results into byte arrays;
///   `FileDescriptorWriter` writes them out in big blocks and treats a closed
///   pipe as a quiet end.
/// - `Terminal` and `ProgressReporter` serve the command line.
///
/// Text policy: every buffer this module produces is valid UTF-8. Invalid
/// input bytes are replaced by U+FFFD, one per bad byte (the rule of
/// `UTF8Decoding` in TriageCore), so a stray byte costs a character, not an
/// incident; lone surrogate escapes in JSON are treated the same way.
///
/// Errors are values with positions: `JSONParseError` (column within a line),
/// `CSVError` (line), `InputError`, `OutputError`.
