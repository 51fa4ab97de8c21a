package connector

// The simulator's vocabulary. Places are real Zhoukou divisions with
// plausible street names; every person, number, hotel and record built
// from them is SYNTHETIC (生成的模拟数据), and no record describes a real
// person or business.

// county is a county-level division of Zhoukou with plausible streets.
type county struct {
	code    string // GB/T 2260 code used in identity numbers
	name    string // as written in an address after 河南省周口市
	streets []string
}

var counties = []county{
	{"411602", "川汇区", []string{"七一路", "八一大道", "交通大道", "工农路", "中州大道", "太昊路", "文昌大道", "人民路"}},
	// Identity numbers issued in 淮阳 before 2019 keep the retired 淮阳县 code.
	{"411626", "淮阳区", []string{"羲皇大道", "龙都大道", "建设路", "弦歌路"}},
	{"411621", "扶沟县", []string{"桐丘路", "扶亭大道", "健康路"}},
	{"411622", "西华县", []string{"箕子台路", "青华路", "女娲大道"}},
	{"411623", "商水县", []string{"周商路", "章华台路", "阳城大道"}},
	{"411624", "沈丘县", []string{"槐店大道", "新华路", "沙南路"}},
	{"411625", "郸城县", []string{"世纪大道", "洺南路", "东风路"}},
	{"411627", "太康县", []string{"阳夏路", "谢安路", "建设路"}},
	{"411628", "鹿邑县", []string{"老子大道", "紫气大道", "真源大道"}},
	{"411681", "项城市", []string{"莲花大道", "光武大道", "团结路", "交通路"}},
}

// zhengzhou streets for residences and hotels outside Zhoukou.
var zhengzhou = []string{"金水区花园路", "金水区经三路", "二七区大学路", "中原区建设路", "管城回族区紫荆山路", "郑东新区商务外环路"}

var surnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
	"梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁", "邓", "许", "傅", "沈", "彭", "吕", "苏", "蒋", "蔡", "贾", "丁",
	"魏", "薛", "叶", "阎", "潘", "杜", "夏", "田", "任", "姜", "范", "方", "石", "姚", "谭", "邹", "孟", "崔", "康", "秦", "史", "侯", "邵"}

var maleGiven = []string{"建国", "建军", "国强", "志强", "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华",
	"飞", "鑫", "波", "斌", "宇", "浩", "凯", "健", "俊", "帅", "红旗", "卫东", "振华", "海洋", "永刚", "德胜", "长河", "新民"}

var femaleGiven = []string{"秀英", "桂英", "秀兰", "玉兰", "桂兰", "丽", "敏", "静", "丽娟", "艳", "娟", "霞", "芳", "燕", "玲", "丹", "萍",
	"红梅", "婷", "雪", "慧", "倩", "晓燕", "春梅", "淑珍", "凤英", "玉梅", "金凤", "海燕", "亚楠"}

// ports of exit and entry, with the destinations typical of each.
var airports = []string{"郑州新郑国际机场", "上海浦东国际机场", "北京首都国际机场", "广州白云国际机场"}
var destinations = []string{"泰国", "日本", "韩国", "越南", "新加坡", "马来西亚", "阿联酋", "美国", "柬埔寨", "俄罗斯"}

// hotels are synthetic names in real places.
type hotelInfo struct{ name, address, city string }

var hotels = []hotelInfo{
	{"周口七一路商务宾馆（模拟）", "河南省周口市川汇区七一路 216 号", "周口"},
	{"周口文昌大道快捷酒店（模拟）", "河南省周口市川汇区文昌大道 58 号", "周口"},
	{"周口中州大道假日酒店（模拟）", "河南省周口市川汇区中州大道 1009 号", "周口"},
	{"项城莲花大道酒店（模拟）", "河南省周口市项城市莲花大道 66 号", "周口"},
	{"淮阳羲皇大道宾馆（模拟）", "河南省周口市淮阳区羲皇大道 318 号", "周口"},
	{"鹿邑老子大道商务酒店（模拟）", "河南省周口市鹿邑县老子大道 88 号", "周口"},
	{"郑州花园路商务酒店（模拟）", "河南省郑州市金水区花园路 139 号", "郑州"},
	{"郑州二七广场快捷酒店（模拟）", "河南省郑州市二七区大学路 12 号", "郑州"},
	{"郑州东站商务宾馆（模拟）", "河南省郑州市郑东新区商务外环路 26 号", "郑州"},
}

// Source names of the simulated systems, marked as simulated.
const (
	srcPopulation = "人口信息管理系统（模拟）"
	srcExitEntry  = "出入境管理信息系统（模拟）"
	srcHotel      = "旅馆业治安管理信息系统（模拟）"
	srcDetention  = "拘留所管理信息系统（模拟）"
	srcControl    = "边控管理系统（模拟）"
)
