package docs

// Small valid and invalid files for the tests of this package and of
// docs_test (exported here, visible only to tests).

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
)

// SamplePDF returns a minimal well-formed PDF with one page whose text is
// note; pad adds that many bytes of extra stream data (for size tests).
func SamplePDF(note string, pad int) []byte {
	return MinimalPDF(fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET\n%% %s\n", "liandong", note) + strings.Repeat("%", pad))
}

func sampleImage(seed byte) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			img.Set(x, y, color.RGBA{R: byte(x * 32), G: byte(y * 32), B: seed, A: 255})
		}
	}
	return img
}

// SamplePNG returns a tiny PNG made by image/png.
func SamplePNG(seed byte) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, sampleImage(seed)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// SampleJPEG returns a tiny JPEG made by image/jpeg.
func SampleJPEG(seed byte) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, sampleImage(seed), nil); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// SampleZip returns a ZIP archive with the given files, in order.
func SampleZip(files ...[2]string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, f := range files {
		fw, err := w.Create(f[0])
		if err != nil {
			panic(err)
		}
		if _, err := fw.Write([]byte(f[1])); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// SampleOFD returns a minimal OFD package: OFD.xml at the root pointing at
// one document.
func SampleOFD(note string) []byte {
	return SampleZip(
		[2]string{"OFD.xml", `<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD">
  <ofd:DocBody>
    <ofd:DocInfo><ofd:DocID>` + note + `</ofd:DocID><ofd:Title>协助执行通知书</ofd:Title></ofd:DocInfo>
    <ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>
  </ofd:DocBody>
</ofd:OFD>`},
		[2]string{"Doc_0/Document.xml", `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>1</ofd:MaxUnitID></ofd:CommonData></ofd:Document>`},
	)
}

// SampleEXE returns the start of a Windows executable.
func SampleEXE() []byte {
	b := make([]byte, 256)
	copy(b, "MZ")
	b[0x3C] = 0x80
	copy(b[0x80:], "PE\x00\x00")
	return b
}
