package docs

import (
	"bytes"
	"strings"
	"testing"

	"liandong/internal/apperr"
)

func TestSniff(t *testing.T) {
	t.Parallel()
	pdf := SamplePDF("x", 0)
	pngFile := SamplePNG(1)
	jpg := SampleJPEG(1)
	tests := []struct {
		name     string
		in       []byte
		want     Kind
		wantCode string
		wantText string // part of the message
	}{
		{"pdf", pdf, PDF, "", ""},
		{"pdf with trailing newlines", append(append([]byte{}, pdf...), "\r\n\r\n"...), PDF, "", ""},
		{"png", pngFile, PNG, "", ""},
		{"jpeg", jpg, JPEG, "", ""},
		{"jpeg with zero padding", append(append([]byte{}, jpg...), 0, 0, 0), JPEG, "", ""},
		{"ofd", SampleOFD("a"), OFD, "", ""},

		{"empty", nil, "", "doc.empty", "文件为空"},
		{"exe", SampleEXE(), "", "doc.type_unsupported", "Windows 可执行程序"},
		{"elf", []byte("\x7fELF\x02\x01\x01\x00"), "", "doc.type_unsupported", "ELF"},
		{"zip without OFD.xml", SampleZip([2]string{"a.txt", "hello"}), "", "doc.type_unsupported", "ZIP 压缩包，根目录下没有 OFD.xml"},
		{"OFD.xml not at the root", SampleZip([2]string{"x/OFD.xml", "<OFD/>"}), "", "doc.type_unsupported", "没有 OFD.xml"},
		{"docx", SampleZip([2]string{"[Content_Types].xml", "<Types/>"}, [2]string{"word/document.xml", "<w/>"}), "", "doc.type_unsupported", "Word 文档"},
		{"OFD.xml not xml", SampleZip([2]string{"OFD.xml", "not xml at all"}), "", "doc.type_unsupported", "不是有效的 XML"},
		{"OFD.xml wrong root", SampleZip([2]string{"OFD.xml", "<html/>"}), "", "doc.type_unsupported", "根元素不是 OFD"},
		{"broken zip", []byte("PK\x03\x04garbage"), "", "doc.type_unsupported", "压缩包结构损坏"},
		{"html", []byte("\xEF\xBB\xBF  <!DOCTYPE html><html><body>协助执行通知书</body></html>"), "", "doc.type_unsupported", "HTML 网页"},
		{"text", []byte("协助执行通知书\n"), "", "doc.type_unsupported", "纯文本"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), "", "doc.type_unsupported", "GIF 图片"},
		{"old word", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), "", "doc.type_unsupported", "DOC"},
		{"binary", []byte{0, 1, 2, 3, 0xFE}, "", "doc.type_unsupported", "无法识别"},
		{"pdf header only", []byte("%PDF-1.7\n1 0 obj\n"), "", "doc.type_unsupported", "%%EOF"},
		{"pdf without version", []byte("%PDF-x\n%%EOF\n"), "", "doc.type_unsupported", "版本号"},
		{"pdf without startxref", []byte("%PDF-1.4\n%%EOF\n"), "", "doc.type_unsupported", "startxref"},
		{"pdf cut short", pdf[:len(pdf)-20], "", "doc.type_unsupported", "%%EOF"},
		{"png cut short", pngFile[:len(pngFile)-5], "", "doc.type_unsupported", "PNG 文件头"},
		{"png with data after IEND", append(append([]byte{}, pngFile...), "<script>"...), "", "doc.type_unsupported", "IEND"},
		{"png signature only", pngMagic, "", "doc.type_unsupported", "PNG 文件头"},
		{"png bad IHDR crc", flip(pngFile, 29), "", "doc.type_unsupported", "IHDR"},
		{"jpeg cut short", jpg[:len(jpg)-2], "", "doc.type_unsupported", "EOI"},
		{"jpeg soi only", []byte{0xFF, 0xD8, 0xFF}, "", "doc.type_unsupported", "JPEG 文件头"},
		{"jpeg without frame", []byte{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x11, 0xFF, 0xD9}, "", "doc.type_unsupported", "SOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sniff(tt.in)
			if tt.wantCode == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Sniff = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			e, ok := apperr.As(err)
			if !ok || e.Code != tt.wantCode || e.Kind != apperr.Invalid || !strings.Contains(e.Message, tt.wantText) {
				t.Fatalf("Sniff = %q, %v; want %s containing %q", got, err, tt.wantCode, tt.wantText)
			}
			if tt.wantCode == "doc.type_unsupported" && !strings.HasPrefix(e.Message, "文件类型不受支持：只接受 PDF、JPEG、PNG、OFD，本文件") {
				t.Errorf("message %q does not start with the common explanation", e.Message)
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x01
	return c
}

func TestKindMIMERoundTrip(t *testing.T) {
	t.Parallel()
	for _, k := range Kinds() {
		got, ok := KindOfMIME(k.MIME())
		if !ok || got != k {
			t.Errorf("KindOfMIME(%s) = %q, %v", k.MIME(), got, ok)
		}
		if k.Label() == "" || !strings.HasPrefix(k.Ext(), ".") {
			t.Errorf("kind %s: label %q ext %q", k, k.Label(), k.Ext())
		}
	}
}
