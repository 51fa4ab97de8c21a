package synth

import (
	"math/rand/v2"
	"sort"
	"strings"
	"sync"

	"liandong/internal/screen/hanzi"
)

// Given-name characters. No published per-character frequency table could
// be embedded under a compatible licence, so these are hand-picked common
// given-name characters, most common first, drawn with Zipf-like weights
// 1/(rank+4). Surnames, by contrast, follow published shares (hanzi's
// surnames.tsv). Men's names in older cohorts use single characters more.
const maleChars = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳建国志文海东峰亮成新德福生荣春金良兵民永江庆彬晨博毅震立红光忠贵祥才发武洪胜振义家兴昌安全利清学正世宏雷云泽天思子睿轩豪瑞航晓伦哲佳晖彦锋嘉铭远松元坤锦耀炳山树长水喜财有顺铁柱根石岗磊彪虎豹奎魁堂廷栋梁材斐晋乾坤瀚翰墨琛璋瑜玮琦麟骏驰腾跃钧锐铮镇钊铭鸣岳峻崇嵩岩峥巍屹涵渊源沛澜淳浚滔潇潮溪汉沧湘渝闽粤川黔滇蜀燕赵齐鲁楚吴越秦晋豫冀辽吉黑蒙藏疆宾彬斌昊昱晟晗曦暄旻昭晏朗熙烨炜焕灿煜炫勋功业绩策谋略韬略诚信仁义礼智勤俭恭谦让守拙朴实纯真善美"
const femaleChars = "芳娜敏静丽艳娟霞燕秀玲桂英华红梅琳洁婷雪慧莉萍倩琴云兰凤颖丹洋佳欣怡晶蕾璐露瑶悦晓月美玉珍春爱香淑翠菊荣彩芬金素娥秋琼雯嘉雅思涵可馨妍萱蓉楠茜媛薇莹紫梦诗琪婧姗岚妮青清宁巧叶花珊莎文平亚芝兰蕙萍苹蓓蕊芸芷茉莉荷莲菲芙蓉菡萏黛婵娟嫦娥姣婉婕妤娴婷媚嫣娇嫱姝姿妙娅娓嬿婧婳凝冰霜露雯霏霓虹彤丹朱绯红翠碧青黛素洁琼瑶琳琅瑾瑜璇玑珂琦瑛珑瑞玲珊珍宝钰锦绣绮纨绫罗纱缨绵绣秀慧敏惠淑贤德馨怡悦欢喜乐愉畅舒然恬静谧宁安如若依倚伊颐"

// Uyghur given names as usually transliterated, written with a middle dot
// between the person's and the father's name (买买提·艾力).
const uyghurMale = "买买提 艾力 阿不都 热合曼 吐尔逊 艾买提 阿布拉 努尔 依明 米吉提 卡德尔 亚森 艾合买提 阿力木 吾斯曼 玉素甫 肉孜 塔依尔"
const uyghurFemale = "阿依古丽 古丽 热依拉 帕提古丽 迪丽拜尔 阿依努尔 热娜 再努尔 努尔古丽 玛依拉 阿米娜 祖丽胡玛尔"

// Tibetan names, written without a dot.
const tibetan = "扎西 次仁 多吉 卓玛 格桑 平措 央金 拉姆 顿珠 达瓦 尼玛 白玛 曲珍 旦增 罗布"

type weighted struct {
	items []string
	cum   []float64
}

func (w *weighted) pick(r *rand.Rand) string {
	x := r.Float64() * w.cum[len(w.cum)-1]
	i := sort.SearchFloat64s(w.cum, x)
	if i >= len(w.items) {
		i = len(w.items) - 1
	}
	return w.items[i]
}

func zipf(items []string) *weighted {
	w := &weighted{}
	total := 0.0
	seen := map[string]bool{}
	rank := 0
	for _, s := range items {
		if seen[s] || s == "" {
			continue
		}
		seen[s] = true
		total += 1 / float64(rank+4)
		rank++
		w.items = append(w.items, s)
		w.cum = append(w.cum, total)
	}
	return w
}

func runesOf(s string) []string {
	var out []string
	for _, r := range s {
		out = append(out, string(r))
	}
	return out
}

type nameTables struct {
	surnames         *weighted
	male, female     *weighted
	uyMale, uyFemale *weighted
	tibetan          *weighted
	homophones       map[hanzi.Syllable][]rune // common characters by pinyin, to make homophone typos
	allChars         []rune
}

var tables = sync.OnceValue(func() *nameTables {
	t := &nameTables{homophones: map[hanzi.Syllable][]rune{}}
	s := &weighted{}
	total := 0.0
	for _, sn := range hanzi.Surnames() {
		total += sn.Share
		s.items = append(s.items, sn.Name)
		s.cum = append(s.cum, total)
	}
	t.surnames = s
	t.male = zipf(runesOf(maleChars))
	t.female = zipf(runesOf(femaleChars))
	t.uyMale = zipf(strings.Fields(uyghurMale))
	t.uyFemale = zipf(strings.Fields(uyghurFemale))
	t.tibetan = zipf(strings.Fields(tibetan))
	seen := map[rune]bool{}
	add := func(r rune) {
		if seen[r] || !hanzi.IsHan(r) {
			return
		}
		seen[r] = true
		st, _ := hanzi.Sound(r, false)
		t.homophones[st] = append(t.homophones[st], r)
		t.allChars = append(t.allChars, r)
	}
	for _, r := range maleChars + femaleChars + "维薇炜玮卫魏蔚巍威微娴贤仙先鲜纤弦嫣颜妍言岩炎研焱彦雁艳燕砚宴堰谚" +
		"静敬靖境竞婧径净镜晶京经精菁睛兢景警井颈丽莉立力利历励例厉理李礼俐琍" {
		add(r)
	}
	return t
})

// homophone returns a different common character with the same pinyin as
// r, or 0.
func homophone(r rune, rng *rand.Rand) rune {
	st, _ := hanzi.Sound(r, false)
	if st == 0 {
		return 0
	}
	var cands []rune
	for _, c := range tables().homophones[st] {
		if c != r {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return 0
	}
	return cands[rng.IntN(len(cands))]
}
