package audit

import "flag"

var updateGolden = flag.Bool("update", false, "print instead of checking golden values")
