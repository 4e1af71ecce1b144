import Crypto
import Foundation
import TriageCore

/// Loads rule packs from YAML files and directories.
///
/// A pack is one file or a directory of `*.yaml`/`*.yml` files read in name
/// order (names starting with `.` or `_` are skipped). Loading reports every
/// problem at once: YAML syntax errors, unknown fields, bad values, and,
/// when `backend` is given, everything the compiler finds (duplicate ids,
/// unknown agents, regexes that do not compile), each with `file:line:col`.
public enum PackLoader {
    /// Reads and decodes a pack. Throws every problem found.
    public static func load(path: String) throws(PackErrors) -> RulePack {
        let (pack, errors) = read(path: path)
        guard errors.isEmpty, let pack else { throw PackErrors(errors) }
        return pack
    }

    /// Reads, decodes and compiles a pack, reporting decode and compile errors together.
    public static func compile(path: String, backend: any RegexBackend) throws(PackErrors) -> CompiledPack {
        let (pack, errors) = read(path: path)
        let compiler = PackCompiler(backend: backend)
        guard let pack else { throw PackErrors(errors) }
        if !errors.isEmpty {
            // Decoding failed somewhere; what did decode is still checked so
            // that one run shows every problem.
            throw PackErrors(sorted(errors + compiler.check(pack)))
        }
        return try compiler.compile(pack)
    }

    /// Reads, decodes and compiles a pack, returning it both as written (for
    /// analyses such as lint and test coverage) and compiled.
    public static func loadAndCompile(path: String, backend: any RegexBackend) throws(PackErrors) -> (RulePack, CompiledPack) {
        let (pack, errors) = read(path: path)
        return try compile(pack, errors, backend: backend)
    }

    /// Like `loadAndCompile(path:backend:)`, for one file's bytes already in memory.
    public static func loadAndCompile(
        bytes: [UInt8], file: String = "<memory>", backend: any RegexBackend
    ) throws(PackErrors) -> (RulePack, CompiledPack) {
        let (pack, errors) = assemble([(file, bytes)], sourceName: file, hash: "sha256:" + hex(SHA256.hash(data: bytes)))
        return try compile(pack, errors, backend: backend)
    }

    static func compile(
        _ pack: RulePack?, _ errors: [PackError], backend: any RegexBackend
    ) throws(PackErrors) -> (RulePack, CompiledPack) {
        let compiler = PackCompiler(backend: backend)
        guard let pack else { throw PackErrors(errors) }
        if !errors.isEmpty { throw PackErrors(sorted(errors + compiler.check(pack))) }
        return (pack, try compiler.compile(pack))
    }

    /// Decodes YAML text as a whole pack (for tests and tools).
    public static func decode(yaml: String, file: String = "<memory>") throws(PackErrors) -> RulePack {
        try decode(bytes: Array(yaml.utf8), file: file)
    }

    /// Decodes the bytes of one YAML file as a whole pack. The bytes are
    /// checked as a file's would be: invalid UTF-8 is an error with its place.
    public static func decode(bytes: [UInt8], file: String = "<memory>") throws(PackErrors) -> RulePack {
        let (pack, errors) = assemble([(file, bytes)], sourceName: file, hash: "sha256:" + hex(SHA256.hash(data: bytes)))
        guard errors.isEmpty, let pack else { throw PackErrors(errors) }
        return pack
    }

    // MARK: Reading

    static func read(path: String) -> (RulePack?, [PackError]) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            return (nil, [PackError(.io, "no rule pack at \(path): no such file or directory")])
        }
        var files = [(String, [UInt8])]()
        if isDir.boolValue {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                return (nil, [PackError(.io, "cannot list \(path): \(error.localizedDescription)")])
            }
            let yamlNames = names.filter {
                ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") && !$0.hasPrefix("_")
            }.sorted()
            if yamlNames.isEmpty {
                return (nil, [PackError(.io, "\(path) holds no .yaml or .yml files")])
            }
            for name in yamlNames {
                let full = (path as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: full) else {
                    return (nil, [PackError(.io, "cannot read \(full)")])
                }
                files.append((full, [UInt8](data)))
            }
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                return (nil, [PackError(.io, "cannot read \(path)")])
            }
            files.append((path, [UInt8](data)))
        }
        return assemble(files, sourceName: path, hash: contentHash(files))
    }

    /// `sha256:` of the file contents; for a directory, of a manifest that
    /// lists each file's name (relative to the directory) and digest, so
    /// renaming or reordering files changes the hash too.
    static func contentHash(_ files: [(String, [UInt8])]) -> String {
        if files.count == 1 { return "sha256:" + hex(SHA256.hash(data: files[0].1)) }
        var manifest = ""
        for (path, bytes) in files {
            manifest += (path as NSString).lastPathComponent + "\t" + hex(SHA256.hash(data: bytes)) + "\n"
        }
        return "sha256:" + hex(SHA256.hash(data: Array(manifest.utf8)))
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        // By hand: Foundation's String(format:) per byte cost milliseconds
        // for a directory's twenty digests, on every load.
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses and decodes each file, then merges the fragments into one pack.
    static func assemble(_ files: [(String, [UInt8])], sourceName: String, hash: String) -> (RulePack?, [PackError]) {
        var errors = [PackError]()
        var fragments = [PackFragment]()
        // Files parse and decode independently (a decoder only collects
        // errors), so on every core: the shipped pack is 19 files. Fragments
        // and errors are then taken in file order, as before.
        let decoded = concurrentMap(files.count) { k in
            let (file, bytes) = files[k]
            return Result { () throws(YAMLError) -> (PackFragment, [PackError]) in
                let root = try YAMLDocument.parse(bytes, file: file)
                var decoder = PackDecoder()
                let fragment = decoder.decodeFile(root, file: file)
                return (fragment, decoder.errors)
            }
        }
        for result in decoded {
            switch result {
            case .success(let (fragment, found)):
                fragments.append(fragment)
                errors += found
            case .failure(let error):
                errors.append(PackError(error.isLimit ? .limitExceeded : .yamlSyntax, error.message, at: error.location))
            }
        }

        var pack = RulePack(metadata: PackMetadata(name: "", version: "0.0.0", hash: hash), sources: files.map(\.0))
        var seen: [String: SourceLocation] = [:]
        func once(_ section: String, _ location: SourceLocation) -> Bool {
            if let first = seen[section] {
                errors.append(
                    PackError(.duplicateDefinition, "section `\(section)` is defined twice; first at \(first)", at: location))
                return false
            }
            seen[section] = location
            return true
        }
        for f in fragments {
            if let (m, loc) = f.pack, once("pack", loc) {
                pack.metadata.name = m.name
                pack.metadata.version = m.version
                pack.metadata.description = m.description
            }
            if let s = f.settings, once("settings", s.location) {
                if let w = s.titleWeight { pack.titleWeight = w }
                pack.limits = s.limits
            }
            if let s = f.severity, once("severity", s.location) {
                if let t = s.thresholds { pack.thresholds = t }
                if let d = s.defaultSeverity { pack.defaultSeverity = d }
            }
            if let a = f.agents, once("agents", a.location) {
                pack.agents = a.catalogue
                if let t = a.threshold { pack.agentThreshold = t }
                if let m = a.max { pack.maxAgents = m }
                if let r = a.relative { pack.agentRelativeThreshold = r }
            }
            pack.lists += f.lists
            pack.macros += f.macros
            pack.rules += f.rules
        }
        if seen["pack"] == nil && !fragments.isEmpty {
            errors.append(
                PackError(
                    .missingField,
                    "no file of \(sourceName) has a `pack:` section with the pack's name",
                    at: SourceLocation(file: files[0].0, line: 1, column: 1)))
        }
        return (fragments.isEmpty ? nil : pack, sorted(errors))
    }

    static func sorted(_ errors: [PackError]) -> [PackError] {
        var seen = Set<PackError>()
        return errors.filter { seen.insert($0).inserted }.sorted(by: PackError.sourceOrder)
    }
}
