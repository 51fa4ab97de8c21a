package docs

import "strings"

// DocType is a kind of document a unit may issue, by the name staff know it
// by (FLOWS.md). Side is the side whose units issue it: "court", "police",
// or "" when either side does.
type DocType struct {
	Name string
	Side string
}

// docTypes is read-only. A new kind of paper is one new row.
var docTypes = []DocType{
	// Court documents.
	{"协助执行通知书", "court"},
	{"解除查封的协助执行通知书", "court"},
	{"裁定书", "court"},
	{"决定书", "court"},
	{"拘传票", "court"},
	{"拘留决定书", "court"},
	{"拘留通知书", "court"},
	{"提前解除拘留决定书", "court"},
	{"罚款决定书", "court"},
	{"限制出境决定书", "court"},
	{"解除限制出境决定书", "court"},
	{"纳入失信被执行人名单决定书", "court"},
	{"移送函", "court"},
	{"执行情况说明", "court"},
	{"执行公务证", "court"},
	{"车辆移交单", "court"},
	{"扣押清单", "court"},
	// Police documents.
	{"审查建议", "police"},
	{"受案登记表", "police"},
	{"受案回执", "police"},
	{"立案决定书", "police"},
	{"不予立案通知书", "police"},
	// Either side.
	{"公函", ""},
	{"回执", ""},
	{"反馈", ""},
	{"工作证", ""},
}

// DocTypes lists the document types in display order.
func DocTypes() []DocType { return append([]DocType(nil), docTypes...) }

// LookupDocType finds a document type by its name.
func LookupDocType(name string) (DocType, bool) {
	name = strings.TrimSpace(name)
	for _, t := range docTypes {
		if t.Name == name {
			return t, true
		}
	}
	return DocType{}, false
}
