package connector

// The vehicle simulator's vocabulary. The makers and their world
// manufacturer identifiers (WMI, VIN positions 1–3) are real Chinese
// manufacturers; every vehicle, VIN serial, plate and owner built from
// them is SYNTHETIC, and the mortgagees carry "（模拟）".

const srcVehicle = "机动车登记系统（模拟）"

// vehicleAuthority is the registering authority of 豫P plates.
const vehicleAuthority = "周口市公安局交通警察支队车辆管理所"

// vehicleModel is one model a maker builds, with a plausible vehicle
// descriptor (VIN positions 4–8; no I, O or Q).
type vehicleModel struct {
	wmi, make, model, vds, vehicleType string
	pureElectric                       bool // for new-energy models: pure electric (plate letter D…) or not (F…)
}

// ordinaryModels are petrol and diesel models.
var ordinaryModels = []vehicleModel{
	{"LSV", "上汽大众", "朗逸", "AB2BM", "小型轿车", false},
	{"LSV", "上汽大众", "帕萨特", "AE6A3", "小型轿车", false},
	{"LFV", "一汽-大众", "速腾", "A2BU3", "小型轿车", false},
	{"LFV", "一汽-大众", "迈腾", "A4B4C", "小型轿车", false},
	{"LGB", "东风日产", "轩逸", "H5AE0", "小型轿车", false},
	{"LHG", "广汽本田", "雅阁", "CV163", "小型轿车", false},
	{"LVG", "广汽丰田", "凯美瑞", "C5FK4", "小型轿车", false},
	{"LB3", "吉利汽车", "帝豪", "1A2C5", "小型轿车", false},
	{"LB3", "吉利汽车", "博越", "4R1D2", "小型普通客车", false},
	{"LGW", "长城汽车", "哈弗H6", "EF4BA", "小型普通客车", false},
	{"LS5", "长安汽车", "CS75", "A3DE2", "小型普通客车", false},
	{"LS5", "长安汽车", "逸动", "A2BJ6", "小型轿车", false},
	{"LSG", "上汽通用", "别克英朗", "B5SC1", "小型轿车", false},
	{"LZW", "上汽通用五菱", "五菱宏光", "ACAG2", "小型普通客车", false},
	{"LZW", "上汽通用五菱", "五菱荣光", "ADBF1", "微型普通客车", false},
	{"LVS", "长安福特", "福克斯", "HFDB2", "小型轿车", false},
}

// newEnergyModels get the eight-character green plates.
var newEnergyModels = []vehicleModel{
	{"LGX", "比亚迪", "秦PLUS DM-i", "C7CB1", "小型轿车", false},
	{"LGX", "比亚迪", "宋PLUS DM-i", "E2DC4", "小型普通客车", false},
	{"LGX", "比亚迪", "汉EV", "CE4A6", "小型轿车", true},
	{"LGX", "比亚迪", "海豚", "FA1B3", "小型轿车", true},
	{"LRW", "特斯拉（上海）", "Model 3", "3E7EK", "小型轿车", true},
	{"LRW", "特斯拉（上海）", "Model Y", "YGDEE", "小型普通客车", true},
	{"LZW", "上汽通用五菱", "宏光MINIEV", "ACAM3", "微型轿车", true},
	{"LB3", "吉利汽车", "银河L7", "6A2H4", "小型普通客车", false},
}

var vehicleColours = []string{"白", "白", "白", "黑", "黑", "银", "灰", "红", "蓝", "棕"}

var mortgagees = []string{
	"周口某农村商业银行股份有限公司（模拟）",
	"某汽车金融有限公司周口业务部（模拟）",
	"某商业银行周口分行（模拟）",
	"某融资租赁有限公司（模拟）",
}
