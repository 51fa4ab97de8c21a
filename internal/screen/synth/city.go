package synth

import (
	"strings"

	"liandong/internal/ident"
)

// cityOf names the prefecture of a county code for unit names (周口市).
func cityOf(code string) string {
	pref, ok := ident.LookupRegion(code[:4] + "00")
	prov, _ := ident.LookupRegion(code[:2] + "0000")
	if !ok {
		return strings.TrimSuffix(prov.Name, "省")
	}
	name := strings.TrimPrefix(pref.Name, prov.Name)
	if name == "" || name == "市辖区" || name == "县" {
		return prov.Name
	}
	return name
}

// countyOf names the county of a code without its province and city.
func countyOf(code string) string {
	c, ok := ident.LookupRegion(code)
	if !ok {
		return ""
	}
	p, ok := ident.LookupRegion(code[:4] + "00")
	if ok && strings.HasPrefix(c.Name, p.Name) {
		return strings.TrimPrefix(c.Name, p.Name)
	}
	prov, _ := ident.LookupRegion(code[:2] + "0000")
	return strings.TrimPrefix(c.Name, prov.Name)
}
