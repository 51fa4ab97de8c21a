package credit_test

import "flag"

// benchLines sizes BenchmarkImport: go test ./internal/credit -run '^$'
// -bench Import -benchtime 1x -args -lines 1000000 is the documented 1M run.
var benchLines = flag.Int("lines", 100_000, "lines BenchmarkImport imports")

// writeSample, when set, makes TestWriteSample write a generated import
// file of -lines lines there (JSON Lines, or CSV for a .csv name):
// go test ./internal/credit -run WriteSample -args -write-sample /tmp/list.jsonl -lines 1000000
var writeSample = flag.String("write-sample", "", "write a generated import file here")

// importFile, when set, makes TestImportFile import that file into a
// fresh SQLite database and log how long the phases took (the manual 1M
// run of docs/PERFORMANCE.md, with -cpuprofile if wanted).
var importFile = flag.String("import-file", "", "import this JSON Lines file in TestImportFile")
