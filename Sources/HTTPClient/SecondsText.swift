/// A time limit or a wait in seconds as every message prints it: "30 s", "0.5 s", "2.3 s", "38 s".
/// Below ten seconds a fraction shows to a tenth; from ten on, whole seconds. Both round up, so a
/// wait is never shown shorter than it is. (Ollama's, the REST client's, the status checks' and
/// libcurl's own messages used four copies of this with different bounds.)
public func secondsText(_ seconds: Double) -> String {
    guard seconds.isFinite, abs(seconds) < 1e9 else { return "\(seconds) s" }
    if seconds >= 10 || seconds.rounded() == seconds {
        return "\(Int(seconds.rounded(.up))) s"
    }
    let tenths = (seconds * 10).rounded(.up)
    return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10)) s" : "\(tenths / 10) s"
}
