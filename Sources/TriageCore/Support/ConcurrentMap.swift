import Dispatch

/// `(0..<count).map(transform)`, run on every core. `transform` must be safe
/// to call from several threads at once; each result lands in its own slot,
/// so the results need no lock and come back in order.
public func concurrentMap<T>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    var out = [T?](repeating: nil, count: count)
    out.withUnsafeMutableBufferPointer { buf in
        nonisolated(unsafe) let slots = buf  // each iteration writes its own slot
        DispatchQueue.concurrentPerform(iterations: count) { k in slots[k] = transform(k) }
    }
    return out.map { $0! }
}
