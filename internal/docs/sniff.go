package docs

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"unicode/utf8"

	"liandong/internal/apperr"
)

// Kind is a file type the platform accepts as a document. It is decided by
// the content alone (magic bytes and basic structure), never by the name.
type Kind string

const (
	PDF  Kind = "pdf"
	JPEG Kind = "jpeg"
	PNG  Kind = "png"
	OFD  Kind = "ofd" // GB/T 33190 版式文档: a ZIP package with OFD.xml at its root
)

// Kinds lists the accepted kinds.
func Kinds() []Kind { return []Kind{PDF, JPEG, PNG, OFD} }

// MIME is the media type stored and served for the kind.
func (k Kind) MIME() string {
	switch k {
	case PDF:
		return "application/pdf"
	case JPEG:
		return "image/jpeg"
	case PNG:
		return "image/png"
	case OFD:
		return "application/ofd"
	}
	return "application/octet-stream"
}

// Ext is the usual file name extension, with the dot.
func (k Kind) Ext() string {
	if k == JPEG {
		return ".jpg"
	}
	return "." + string(k)
}

// Label is the name people know the kind by.
func (k Kind) Label() string { return strings.ToUpper(string(k)) }

// KindOfMIME returns the kind stored under a media type.
func KindOfMIME(mime string) (Kind, bool) {
	for _, k := range Kinds() {
		if k.MIME() == mime {
			return k, true
		}
	}
	return "", false
}

// format recognises one kind: magic says whether the content claims to be
// of the kind (the magics of different kinds exclude each other), check
// verifies its basic structure and returns a reason in Chinese when broken.
type format struct {
	kind  Kind
	magic func(b []byte) bool
	check func(b []byte) string
}

var (
	pdfMagic  = []byte("%PDF-")
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}
	zipMagic  = []byte("PK\x03\x04")
)

// formats is read-only after package initialisation.
var formats = []format{
	{PDF, func(b []byte) bool { return bytes.HasPrefix(b, pdfMagic) }, checkPDF},
	{JPEG, func(b []byte) bool { return bytes.HasPrefix(b, jpegMagic) }, checkJPEG},
	{PNG, func(b []byte) bool { return bytes.HasPrefix(b, pngMagic) }, checkPNG},
	{OFD, func(b []byte) bool { return bytes.HasPrefix(b, zipMagic) }, checkOFD},
}

// Sniff decides the kind of a whole file from its content. Anything that is
// not a structurally sound PDF, JPEG, PNG or OFD is refused with an
// apperr.Invalid error (doc.empty or doc.type_unsupported) that says what
// the content looks like instead.
func Sniff(b []byte) (Kind, error) {
	if len(b) == 0 {
		return "", apperr.Invalidf("file", "doc.empty", "文件为空")
	}
	for _, f := range formats {
		if !f.magic(b) {
			continue
		}
		if reason := f.check(b); reason != "" {
			return "", unsupported(reason)
		}
		return f.kind, nil
	}
	return "", unsupported("内容为" + describe(b))
}

// unsupported builds the refusal; clause completes "本文件…".
func unsupported(clause string) *apperr.Error {
	return apperr.Invalidf("file", "doc.type_unsupported", "文件类型不受支持：只接受 PDF、JPEG、PNG、OFD，本文件%s", clause)
}

// pdfTail is how far from the end %%EOF may stand (the PDF reference lets
// readers look in the last 1024 bytes).
const pdfTail = 1024

func checkPDF(b []byte) string {
	v := b[len(pdfMagic):]
	if len(v) < 3 || !isDigit(v[0]) || v[1] != '.' || !isDigit(v[2]) {
		return "以 PDF 文件头开始，但缺少版本号（应为 %PDF-1.x 或 %PDF-2.0）"
	}
	tail := b[max(0, len(b)-pdfTail):]
	eof := bytes.LastIndex(tail, []byte("%%EOF"))
	if eof < 0 {
		return "以 PDF 文件头开始，但文件末尾缺少 %%EOF 结束标记，文件可能不完整"
	}
	if !bytes.Contains(tail[:eof], []byte("startxref")) {
		return "以 PDF 文件头开始，但文件末尾缺少 startxref 交叉引用位置，文件结构不完整"
	}
	return ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func checkJPEG(b []byte) string {
	// Walk the marker segments from SOI to the start of scan (SOS): each is
	// 0xFF, a marker byte and a big-endian length that counts itself.
	i, sawFrame := 2, false
	for {
		if i >= len(b) || b[i] != 0xFF {
			return "以 JPEG 文件头开始，但标记段结构损坏"
		}
		for i < len(b) && b[i] == 0xFF { // fill bytes
			i++
		}
		if i >= len(b) {
			return "以 JPEG 文件头开始，但在图像数据之前文件就结束了"
		}
		m := b[i]
		i++
		switch {
		case m == 0x01: // TEM has no length
			continue
		case m == 0x00, m == 0xD8, m == 0xD9, m >= 0xD0 && m <= 0xD7:
			return "以 JPEG 文件头开始，但在图像数据之前出现了不应有的标记"
		}
		if i+2 > len(b) {
			return "以 JPEG 文件头开始，但在图像数据之前文件就结束了"
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return "以 JPEG 文件头开始，但标记段长度超出文件"
		}
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC {
			sawFrame = true
		}
		i += n
		if m == 0xDA {
			break
		}
	}
	if !sawFrame {
		return "以 JPEG 文件头开始，但缺少帧头（SOF），不是完整的图像"
	}
	end := bytes.TrimRight(b, "\x00")
	if len(end) < i+2 || !bytes.HasSuffix(end, []byte{0xFF, 0xD9}) {
		return "以 JPEG 文件头开始，但缺少结束标记（EOI），文件可能不完整"
	}
	return ""
}

// pngEnd is the IEND chunk every PNG ends with.
var pngEnd = []byte{0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82}

func checkPNG(b []byte) string {
	// Walk the chunks: length, type, data, CRC. IHDR comes first and its CRC
	// must match; at least one IDAT; IEND ends the file.
	i, sawData := len(pngMagic), false
	for n := 0; ; n++ {
		if i+12 > len(b) {
			return "以 PNG 文件头开始，但数据块结构不完整，文件可能被截断"
		}
		size := int64(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if size > int64(len(b)-i-12) {
			return "以 PNG 文件头开始，但数据块长度超出文件"
		}
		data := b[i+8 : i+8+int(size)]
		crc := binary.BigEndian.Uint32(b[i+8+int(size):])
		if n == 0 {
			if typ != "IHDR" || size != 13 {
				return "以 PNG 文件头开始，但第一个数据块不是 IHDR 图像头"
			}
			if crc32.ChecksumIEEE(b[i+4:i+8+13]) != crc {
				return "以 PNG 文件头开始，但 IHDR 图像头校验失败"
			}
			w, h := binary.BigEndian.Uint32(data), binary.BigEndian.Uint32(data[4:])
			if w == 0 || h == 0 || w > 1<<31-1 || h > 1<<31-1 {
				return "以 PNG 文件头开始，但图像宽度或高度无效"
			}
		}
		switch typ {
		case "IDAT":
			sawData = true
		case "IEND":
			if !sawData {
				return "以 PNG 文件头开始，但没有图像数据（IDAT）"
			}
			if i+12 != len(b) || !bytes.Equal(b[i:], pngEnd) {
				return "以 PNG 文件头开始，但 IEND 结束块之后还有多余数据或结束块损坏"
			}
			return ""
		}
		i += 12 + int(size)
	}
}

// ofdRootLimit bounds how much of OFD.xml is decompressed to find its root
// element, so a zip bomb cannot make sniffing expensive.
const ofdRootLimit = 1 << 20

func checkOFD(b []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if errors.Is(err, zip.ErrInsecurePath) {
		return "是 ZIP 压缩包，但其中含有不安全的路径，不是 OFD 文件"
	}
	if err != nil {
		return "以 ZIP（OFD 所用的压缩格式）文件头开始，但压缩包结构损坏"
	}
	var root *zip.File
	for _, f := range zr.File {
		if f.Name == "OFD.xml" {
			root = f
			break
		}
	}
	if root == nil {
		return "是" + describeZip(zr) + "，根目录下没有 OFD.xml，不是 OFD 文件"
	}
	rc, err := root.Open()
	if err != nil {
		return "是 ZIP 压缩包，含 OFD.xml，但 OFD.xml 无法解压"
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, ofdRootLimit))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "是 ZIP 压缩包，含 OFD.xml，但 OFD.xml 不是有效的 XML"
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "OFD" {
				return "是 ZIP 压缩包，含 OFD.xml，但 OFD.xml 的根元素不是 OFD"
			}
			return ""
		}
	}
}

// describeZip names the common packages that are ZIP files.
func describeZip(zr *zip.Reader) string {
	for _, f := range zr.File {
		switch {
		case strings.HasPrefix(f.Name, "word/"):
			return " Word 文档（DOCX）"
		case strings.HasPrefix(f.Name, "xl/"):
			return " Excel 表格（XLSX）"
		case strings.HasPrefix(f.Name, "ppt/"):
			return " PowerPoint 演示文稿（PPTX）"
		case f.Name == "mimetype":
			return " OpenDocument 或 EPUB 文档"
		}
	}
	return " ZIP 压缩包"
}

// signatures of common files that are not accepted, to tell users what
// they uploaded. Order matters only where prefixes overlap.
var signatures = []struct {
	prefix string
	what   string
}{
	{"MZ", " Windows 可执行程序（EXE/DLL）"},
	{"\x7fELF", " Linux 可执行程序（ELF）"},
	{"\xCA\xFE\xBA\xBE", " Java 类文件或 Mach-O 程序"},
	{"\xCF\xFA\xED\xFE", " macOS 可执行程序（Mach-O）"},
	{"#!", "脚本文件"},
	{"PK\x05\x06", "空的 ZIP 压缩包"},
	{"PK\x07\x08", " ZIP 压缩包"},
	{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", " Office 97–2003 文档（DOC/XLS/PPT）"},
	{"{\\rtf", " RTF 文档"},
	{"GIF87a", " GIF 图片"},
	{"GIF89a", " GIF 图片"},
	{"II*\x00", " TIFF 图片"},
	{"MM\x00*", " TIFF 图片"},
	{"BM", " BMP 图片"},
	{"Rar!\x1A\x07", " RAR 压缩包"},
	{"7z\xBC\xAF\x27\x1C", " 7z 压缩包"},
	{"\x1F\x8B", " gzip 压缩文件"},
	{"%!PS", " PostScript 文件"},
}

// describe says what unaccepted content looks like, in Chinese, with a
// leading space where it begins with a Latin word.
func describe(b []byte) string {
	for _, s := range signatures {
		if bytes.HasPrefix(b, []byte(s.prefix)) {
			return s.what
		}
	}
	if len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" {
		return " WebP 图片"
	}
	if len(b) >= 12 && string(b[4:8]) == "ftyp" {
		return " HEIC 图片或 MP4 视频"
	}
	head := b[:min(len(b), 512)]
	text := strings.ToLower(strings.TrimLeft(string(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))), " \t\r\n"))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<script", "<iframe"} {
		if strings.HasPrefix(text, p) {
			return " HTML 网页"
		}
	}
	if strings.HasPrefix(text, "<?xml") || strings.HasPrefix(text, "<svg") {
		return " XML 或 SVG 文本"
	}
	if utf8.Valid(trimPartialRune(head)) && !bytes.ContainsRune(head, 0) {
		return "纯文本"
	}
	return "无法识别的数据"
}

// trimPartialRune drops a UTF-8 sequence cut off at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && i < len(b); i++ {
		if utf8.RuneStart(b[len(b)-1-i]) {
			if !utf8.FullRune(b[len(b)-1-i:]) {
				return b[:len(b)-1-i]
			}
			break
		}
	}
	return b
}
