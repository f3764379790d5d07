import Mustache

// View models that a page repeats many times (table rows, links, marked runs of text) or that
// every page has (the layout) name their fields for Mustache. Otherwise Mustache finds each
// `{{name}}` by reflection (Mirror), which was most of the time of rendering a catalog page, a big
// entity page or a search answer. An unknown name answers nil, so Mustache looks further up the
// context stack, as it does when Mirror finds nothing.

extension LayoutModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "nav": return nav
        case "hasProblems": return hasProblems
        case "problemLabel": return problemLabel
        case "refresh": return refresh
        case "body": return body
        case "userName": return userName
        default: return nil
        }
    }
}

extension LayoutModel.NavItem: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "href": return href
        case "current": return current
        default: return nil
        }
    }
}

extension EntityLinkModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "href": return href
        case "exists": return exists
        case "html": return html
        default: return nil
        }
    }
}

extension CatalogModel.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "link": return link
        case "kind": return kind
        case "type": return type
        case "owner": return owner
        case "lifecycle": return lifecycle
        case "system": return system
        case "tags": return tags
        case "description": return description
        default: return nil
        }
    }
}

extension CatalogModel.Tag: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": return self.name
        case "href": return href
        default: return nil
        }
    }
}

extension CatalogModel.Option: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": return value
        case "label": return label
        case "selected": return selected
        default: return nil
        }
    }
}

extension SearchModel.Hit: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "href": return href
        case "kind": return kind
        case "detail": return detail
        case "snippet": return snippet
        case "isExternal": return isExternal
        default: return nil
        }
    }
}

extension SearchModel.Part: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "isMatch": return isMatch
        default: return nil
        }
    }
}

extension EntityModel.RelationGroup: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "targets": return targets
        case "targetsHTML": return targetsHTML
        default: return nil
        }
    }
}

extension EntityModel.OwnedRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": return label
        case "href": return href
        case "kind": return kind
        case "type": return type
        case "lifecycle": return lifecycle
        case "description": return description
        default: return nil
        }
    }
}

extension ADRRowModel: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "href": return href
        case "number": return number
        case "titleHTML": return titleHTML
        case "status": return status
        case "statusClass": return statusClass
        case "date": return date
        case "isoDate": return isoDate
        default: return nil
        }
    }
}

extension RelationGraphModel.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "from": return from
        case "relation": return relation
        case "to": return to
        default: return nil
        }
    }
}
