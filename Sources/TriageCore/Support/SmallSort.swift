/// Sorts the `count` values at `values` ascending, in place. The scan sorts
/// a handful of values per incident (literal starts, rule candidates), where
/// insertion sort beats the standard library's general sort.
@inlinable
func insertionSort(_ values: UnsafeMutablePointer<Int32>, count: Int) {
    var k = 1
    while k < count {
        let x = values[k]
        var j = k - 1
        while j >= 0 && values[j] > x {
            values[j + 1] = values[j]
            j -= 1
        }
        values[j + 1] = x
        k += 1
    }
}
