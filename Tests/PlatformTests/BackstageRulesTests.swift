import Testing

@testable import Platform

/// The rules a catalog file's tags and apiVersion must follow decide whether its entity loads:
/// each case is a value a real catalog-info.yaml could hold.
@Suite("Backstage's naming rules")
struct BackstageRulesTests {
    @Test(
        "a tag is lowercase words of letters, digits, ':', '+' or '#' joined by single hyphens, at most 63",
        arguments: [
            ("postgres", true), ("tier-2", true), ("c++", true), ("c#", true), ("team:payments", true),
            ("a-b-c", true), (String(repeating: "a", count: 63), true),
            ("", false), ("-postgres", false), ("postgres-", false), ("double--hyphen", false), ("-", false),
            ("Postgres", false), ("has space", false), ("under_score", false), ("dot.ted", false),
            ("café", false), (String(repeating: "a", count: 64), false),
        ])
    func tags(_ tag: String, _ valid: Bool) {
        #expect(BackstageRules.isValidTag(tag) == valid)
    }

    @Test(
        "an apiVersion is group/version in lowercase letters, digits, '-' and '.'",
        arguments: [
            ("backstage.io/v1alpha1", true), ("scaffolder.backstage.io/v1beta3", true), ("my-org.dev/v1", true),
            ("v1", false), ("/v1", false), ("backstage.io/", false), ("backstage.io/v1/extra", false),
            ("Backstage.io/v1", false), ("backstage io/v1", false), ("", false),
            (String(repeating: "a", count: 251) + "/v1", false),
        ])
    func apiVersions(_ apiVersion: String, _ valid: Bool) {
        #expect(BackstageRules.isValidAPIVersion(apiVersion) == valid)
    }
}
