/** 支出功能分类科目: the 类 (first 3 digits of the 7-digit code) and their names. */

export const FUNCTION_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  "201": "一般公共服务",
  "202": "外交",
  "203": "国防",
  "204": "公共安全",
  "205": "教育",
  "206": "科学技术",
  "207": "文化旅游体育与传媒",
  "208": "社会保障和就业",
  "210": "卫生健康",
  "211": "节能环保",
  "212": "城乡社区",
  "213": "农林水",
  "214": "交通运输",
  "215": "资源勘探工业信息等",
  "216": "商业服务业等",
  "217": "金融",
  "219": "援助其他地区",
  "220": "自然资源海洋气象等",
  "221": "住房保障",
  "222": "粮油物资储备",
  "224": "灾害防治及应急管理",
  "227": "预备费",
  "229": "其他",
  "230": "转移性",
  "231": "债务还本",
  "232": "债务付息",
  "233": "债务发行费用",
});

export const FUNCTION_CODE_PATTERN = /^\d{7}$/;

/**
 * The 类 of a function code ("2012901" → {code: "201", name: "一般公共服务"}), or null when the
 * code is not 7 digits or its 类 is unknown. Surrounding blanks are ignored.
 */
export function functionClassOf(code: string | null | undefined): { code: string; name: string } | null {
  const c = (code ?? "").trim();
  if (!FUNCTION_CODE_PATTERN.test(c)) return null;
  const cls = c.slice(0, 3);
  const name = FUNCTION_CLASSES[cls];
  return name ? { code: cls, name } : null;
}
