import CZlib
import Testing
import Zlib

/// What a browser does with a `Content-Encoding: gzip` page: inflate with gzip detection.
private func gunzip(_ bytes: [UInt8]) -> [UInt8]? {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer { stream.deallocate() }
    // 15 window bits + 32: accept a gzip or zlib header, as browsers do.
    guard inflateInit2_(stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
    defer { inflateEnd(stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)
    return bytes.withUnsafeBufferPointer { source -> [UInt8]? in
        stream.pointee.next_in = source.baseAddress.map { UnsafeMutablePointer(mutating: $0) }
        stream.pointee.avail_in = UInt32(source.count)
        while true {
            let status = chunk.withUnsafeMutableBufferPointer { target -> Int32 in
                stream.pointee.next_out = target.baseAddress
                stream.pointee.avail_out = UInt32(target.count)
                return inflate(stream, Z_NO_FLUSH)
            }
            output += chunk.prefix(chunk.count - Int(stream.pointee.avail_out))
            if status == Z_STREAM_END { return output }
            guard status == Z_OK else { return nil }
        }
    }
}

@Suite("gzip: pages and assets as a browser inflates them")
struct GzipTests {
    static let page = Array(
        String(
            repeating: "<tr><td><a href=\"/catalog/component/default/app\">app</a></td><td>production</td></tr>\n",
            count: 2_000
        ).utf8)

    @Test(
        "what Homeport compresses inflates to the same bytes, with a gzip header",
        arguments: [
            [], Array("x".utf8), page, (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) },
        ])
    func roundTrip(_ bytes: [UInt8]) throws {
        let compressed = try #require(Gzip.compress(bytes))
        #expect(compressed.prefix(2) == [0x1f, 0x8b])
        #expect(gunzip(compressed) == bytes)
    }

    @Test("a repetitive page shrinks to a small fraction of its size, at the fastest level too")
    func shrinks() throws {
        for level in [Int32(1), Z_BEST_COMPRESSION] {
            let compressed = try #require(Gzip.compress(Self.page, level: level))
            #expect(compressed.count * 20 < Self.page.count)
        }
    }

    @Test("many tasks compressing at once each get their own correct stream")
    func concurrent() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let bytes = Self.page + Array("request \(index)".utf8)
                    return Gzip.compress(bytes).flatMap(gunzip) == bytes
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 32))
    }
}
