package events

// DefaultCategories returns the category catalogue a new platform starts
// with: the kinds of event Bao'an's grid handles, each with the shipped
// catalogue's department responsible, the specialised layer that routes it
// and an SLA. Platform admins edit them afterwards.
func DefaultCategories() []*Category {
	type row struct {
		code, name, en, dept, layer string
		sla                         int
	}
	groups := []struct {
		top  row
		subs []row
	}{
		{row{"CG", "城市管理", "City management", "SZCG", "", 24}, []row{
			{"CG01", "占道经营", "Street vending on public roads", "SZCG", "", 12},
			{"CG02", "违法建设", "Illegal construction", "SZGT", "", 72},
			{"CG03", "乱张贴乱涂画", "Illegal posters and graffiti", "SZCG", "", 24},
			{"CG04", "户外广告违规", "Unauthorised outdoor advertising", "SZCG", "", 48},
			{"CG05", "共享单车乱停放", "Badly parked shared bicycles", "SZJT", "", 12},
		}},
		{row{"SR", "市容环境", "Cityscape and sanitation", "SZCG", "", 24}, []row{
			{"SR01", "暴露垃圾", "Exposed rubbish", "SZCG", "", 8},
			{"SR02", "垃圾桶满溢", "Overflowing bins", "SZCG", "", 8},
			{"SR03", "道路不洁", "Dirty road", "SZCG", "", 12},
			{"SR04", "绿化损毁", "Damaged greenery", "SZCG", "", 48},
		}},
		{row{"ZA", "治安隐患", "Public security risks", "SZGA", "police", 24}, []row{
			{"ZA01", "出租屋治安隐患", "Security risk in rented housing", "SZGA", "police", 48},
			{"ZA02", "可疑人员物品", "Suspicious persons or objects", "SZGA", "police", 2},
			{"ZA03", "矛盾纠纷", "Neighbourhood dispute", "SZGA", "police", 24},
			{"ZA04", "非法营运", "Unlicensed taxi services", "SZJT", "police", 24},
		}},
		{row{"XF", "消防隐患", "Fire hazards", "SZXF", "fire", 24}, []row{
			{"XF01", "消防通道堵塞", "Blocked fire lane", "SZXF", "fire", 4},
			{"XF02", "消防设施损坏", "Damaged fire equipment", "SZXF", "fire", 24},
			{"XF03", "电动车违规充电", "Unsafe e-bike charging", "SZXF", "fire", 8},
			{"XF04", "三小场所消防隐患", "Fire risk in small shops and workshops", "SZXF", "fire", 24},
		}},
		{row{"AQ", "安全生产", "Workplace safety", "SZAJ", "safety", 24}, []row{
			{"AQ01", "危险化学品隐患", "Hazardous chemicals", "SZAJ", "safety", 4},
			{"AQ02", "有限空间作业隐患", "Unsafe confined-space work", "SZAJ", "safety", 8},
			{"AQ03", "建筑施工安全", "Construction site safety", "SZZJ", "safety", 24},
			{"AQ04", "燃气安全隐患", "Gas safety", "SZZJ", "safety", 4},
		}},
		{row{"SZ", "市政设施", "Municipal facilities", "SZCG", "", 24}, []row{
			{"SZ01", "井盖缺失破损", "Missing or broken manhole cover", "SZSW", "", 4},
			{"SZ02", "路灯损坏", "Broken street light", "SZCG", "", 24},
			{"SZ03", "道路破损", "Damaged road surface", "SZJT", "", 48},
			{"SZ04", "排水管道堵塞", "Blocked drain", "SZSW", "", 12},
			{"SZ05", "交通设施损坏", "Damaged traffic signs or signals", "SZJJ", "", 24},
		}},
		{row{"HB", "环境保护", "Environmental protection", "SZRJ", "", 48}, []row{
			{"HB01", "噪声扰民", "Noise nuisance", "SZRJ", "", 24},
			{"HB02", "餐饮油烟", "Restaurant fumes", "SZRJ", "", 48},
			{"HB03", "污水直排", "Sewage discharged untreated", "SZSW", "", 24},
			{"HB04", "施工扬尘", "Construction dust", "SZZJ", "", 24},
		}},
		{row{"LZ", "劳资纠纷", "Labour disputes", "SZRS", "", 72}, []row{
			{"LZ01", "拖欠工资", "Unpaid wages", "SZRS", "", 48},
			{"LZ02", "群体性劳资纠纷", "Collective labour dispute", "SZRS", "", 12},
			{"LZ03", "未签劳动合同", "No written labour contract", "SZRS", "", 120},
		}},
		{row{"SP", "食品药品", "Food and drugs", "SZSY", "", 48}, []row{
			{"SP01", "无证经营食品", "Unlicensed food business", "SZSY", "", 48},
			{"SP02", "过期变质食品", "Expired or spoiled food on sale", "SZSY", "", 24},
		}},
	}
	var out []*Category
	for i, g := range groups {
		out = append(out, &Category{Code: g.top.code, Name: g.top.name, NameEN: g.top.en, Department: g.top.dept,
			Layer: g.top.layer, SLAHours: g.top.sla, Position: (i + 1) * 10, Version: 1})
		for j, r := range g.subs {
			out = append(out, &Category{Code: r.code, Name: r.name, NameEN: r.en, Parent: g.top.code, Department: r.dept,
				Layer: r.layer, SLAHours: r.sla, Position: j + 1, Version: 1})
		}
	}
	return out
}
