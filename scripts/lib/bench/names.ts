/**
 * Names and texts for the synthetic province: county names, a county's ~100 budget units
 * (groups, departments, institutions, townships, with a few second-level units), people,
 * the units' explanations of warnings and the reviewers' comments. Everything is picked with
 * the caller's seeded random, so a seed always gives the same province.
 */
import type { Random } from "../synthetic";

const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)];

const PLACE_FIRST = [..."安宝昌长崇大丹德定东丰富高广汉和河红华怀惠嘉建江金锦靖开乐丽临龙隆泸罗眉绵南宁平蒲青清庆仁荣瑞三沙射石双顺松遂泰通桐旺威武西喜仙兴叙宣雅盐营永禹玉岳云长昭中忠资"];
const PLACE_SECOND = [..."安坝宝北边昌城川德定东峨丰凤福阜港广海汉和河衡洪华江津景境康口乐陵流龙隆门明南宁平坪浦清泉仁山胜寿顺水台潭亭通州溪县阳源远兆中州"];
const COUNTY_SUFFIX = ["县", "县", "县", "县", "区", "市"];

/** `count` distinct county names ("安宁县", "华阳区" …). */
export function countyNames(rnd: Random, count: number): string[] {
  const names = new Set<string>();
  let guard = 0;
  while (names.size < count) {
    const a = pick(rnd, PLACE_FIRST), b = pick(rnd, PLACE_SECOND);
    if (a === b) continue;
    const name = `${a}${b}${pick(rnd, COUNTY_SUFFIX)}`;
    if (!names.has(name)) names.add(name);
    // A large province exhausts the two-character names: number them.
    else if (++guard > count * 50) names.add(`${name}${names.size}`);
  }
  return [...names];
}

export interface UnitTemplate {
  /** Name with `{c}` for the county's name (without its suffix where a unit omits it). */
  name: string;
  kind: "group" | "department" | "institution" | "township" | "other";
  /** Name template of the parent unit, for second-level units (二级单位). */
  parent?: string;
}

const GROUPS: UnitTemplate[] = [
  "{c}总工会", "共青团{c}委员会", "{c}妇女联合会", "{c}科学技术协会", "{c}残疾人联合会",
].map((name) => ({ name, kind: "group" }));

const DEPARTMENTS: UnitTemplate[] = [
  "{c}人民政府办公室", "{c}发展和改革局", "{c}教育和体育局", "{c}科学技术和经济信息化局", "{c}公安局", "{c}民政局", "{c}司法局",
  "{c}财政局", "{c}人力资源和社会保障局", "{c}自然资源和规划局", "{c}生态环境局", "{c}住房和城乡建设局", "{c}交通运输局", "{c}水务局",
  "{c}农业农村局", "{c}商务局", "{c}文化广播电视和旅游局", "{c}卫生健康局", "{c}退役军人事务局", "{c}应急管理局", "{c}审计局",
  "{c}市场监督管理局", "{c}统计局", "{c}医疗保障局", "{c}林业局", "{c}信访局", "{c}机关事务服务中心", "{c}乡村振兴局", "{c}行政审批局",
  "{c}经济合作和外事局", "{c}综合行政执法局", "{c}国有资产监督管理局", "{c}档案馆", "中共{c}委党校", "{c}人大常委会办公室",
  "政协{c}委员会办公室", "中共{c}纪律检查委员会", "中共{c}委组织部", "中共{c}委宣传部", "中共{c}委统战部", "中共{c}委政法委员会",
  "{c}人民法院", "{c}人民检察院", "{c}融媒体中心", "{c}供销合作社联合社",
].map((name) => ({ name, kind: "department" }));

const INSTITUTIONS: UnitTemplate[] = [
  { name: "{c}人民医院", kind: "institution", parent: "{c}卫生健康局" },
  { name: "{c}中医医院", kind: "institution", parent: "{c}卫生健康局" },
  { name: "{c}妇幼保健院", kind: "institution", parent: "{c}卫生健康局" },
  { name: "{c}疾病预防控制中心", kind: "institution", parent: "{c}卫生健康局" },
  { name: "{c}第一中学", kind: "institution", parent: "{c}教育和体育局" },
  { name: "{c}第二中学", kind: "institution", parent: "{c}教育和体育局" },
  { name: "{c}职业高级中学", kind: "institution", parent: "{c}教育和体育局" },
  { name: "{c}实验小学", kind: "institution", parent: "{c}教育和体育局" },
  { name: "{c}特殊教育学校", kind: "institution", parent: "{c}教育和体育局" },
  { name: "{c}机关幼儿园", kind: "institution", parent: "{c}教育和体育局" },
  { name: "{c}图书馆", kind: "institution", parent: "{c}文化广播电视和旅游局" },
  { name: "{c}文化馆", kind: "institution", parent: "{c}文化广播电视和旅游局" },
  { name: "{c}博物馆", kind: "institution", parent: "{c}文化广播电视和旅游局" },
  { name: "{c}不动产登记中心", kind: "institution", parent: "{c}自然资源和规划局" },
  { name: "{c}公共资源交易服务中心", kind: "institution" },
  { name: "{c}农业技术推广中心", kind: "institution", parent: "{c}农业农村局" },
  { name: "{c}动物疫病预防控制中心", kind: "institution", parent: "{c}农业农村局" },
  { name: "{c}水利工程管理站", kind: "institution", parent: "{c}水务局" },
  { name: "{c}社会保险事务中心", kind: "institution", parent: "{c}人力资源和社会保障局" },
  { name: "{c}就业服务中心", kind: "institution", parent: "{c}人力资源和社会保障局" },
  { name: "{c}政务服务中心", kind: "institution" },
  { name: "{c}城市管理服务中心", kind: "institution" },
  { name: "{c}林业和草原服务中心", kind: "institution", parent: "{c}林业局" },
  { name: "{c}群团工作中心", kind: "institution", parent: "{c}总工会" },
  { name: "{c}气象局", kind: "other" },
];

const TOWN_FIRST = [..."白柏宝北城大德东方福富高海合河红华黄嘉金兰立龙马南牛平桥青石双太潭天田万望文新兴玄杨玉云中"];
const TOWN_SECOND = [..."坝滨场池村店渡峰冈沟关河湖集江口岭龙门坪桥泉山市滩塘田湾溪阳岩堰园寨洲"];

/** The county's units: groups, departments, institutions, then townships to make up `count`. */
export function unitTemplates(rnd: Random, count: number): UnitTemplate[] {
  const fixed = [...GROUPS, ...DEPARTMENTS, ...INSTITUTIONS];
  const out = fixed.slice(0, Math.min(count, fixed.length));
  const towns = new Set<string>();
  for (let i = 0; out.length < count; i++) {
    let name: string;
    do {
      const base = `${pick(rnd, TOWN_FIRST)}${pick(rnd, TOWN_SECOND)}`;
      const r = rnd();
      name = r < 0.15 ? `${base}街道办事处` : r < 0.8 ? `${base}镇人民政府` : `${base}乡人民政府`;
      // Past a few hundred townships per county the names run out: number them.
      if (towns.size > 600) name = `${name.replace(/(街道办事处|镇人民政府|乡人民政府)$/, "")}${i}$&`;
    } while (towns.has(name));
    towns.add(name);
    out.push({ name, kind: "township" });
  }
  // Drop parents that fell outside a small county.
  const names = new Set(out.map((t) => t.name));
  return out.map((t) => (t.parent && !names.has(t.parent) ? { ...t, parent: undefined } : t));
}

const SURNAMES = [..."王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"];
const GIVEN = [..."伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国平刚桂兰文辉玲萍红志鹏飞婷霞欣宇浩凯俊晨阳琳雪梅林斌波宁晶倩"];

export function personName(rnd: Random): string {
  const given = rnd() < 0.6 ? pick(rnd, GIVEN) + pick(rnd, GIVEN) : pick(rnd, GIVEN);
  return pick(rnd, SURNAMES) + given;
}

/** A unit's written reason for a warning, by rule. */
const EXPLANATIONS: Record<string, string[]> = {
  DEVIATION_OVER: [
    "年中按县委、县政府安排追加专项工作经费，已履行预算调整程序，偏离度较大属实。",
    "本年度承接上级转移支付项目，资金到位后追加预算，导致决算数与年初预算偏离。",
    "部分项目因政策调整暂缓实施，资金按规定收回，决算数低于年初预算。",
  ],
  DEVIATION_UNEXPLAINED: [
    "调整事项中另有零星追加未单列，已在附表中补充说明。",
    "部分调整为结转资金，按规定不列入当年预算调整事项。",
  ],
  DEVIATION_STATED: ["偏离度按财政局下发口径计算，与系统计算方法略有差异。"],
  EXECUTION_LOW: [
    "部分项目资金于年末下达，未能在当年形成支出，已结转下年继续使用。",
    "项目建设周期跨年度，按合同进度支付，剩余资金结转下年。",
    "受政府采购流程影响，部分设备购置延至次年初完成支付。",
  ],
  STAFF_OVER_QUOTA: [
    "年内接收军转干部及选调生，超编人员已报编办备案，待下年核增编制。",
    "借调人员在本单位领取工资，编制关系不在本单位。",
  ],
  NATURE_INVALID: ["该指标为满意度调查结果，按“≥”理解，已在下年目标表中规范填写。"],
  SCORE_ABOVE_FORMULA: ["该指标实际完成情况受客观因素影响，经单位绩效自评小组评议后给分。"],
  GRADE_BAND: ["定性指标等级经单位绩效自评小组集体评议确定。"],
  SELF_GRADE_MISMATCH: ["自评等级按主管部门要求填写，已核对得分。"],
  FULL_MARKS_DESPITE: ["各项绩效目标均已完成，预算偏离系年中追加任务所致，不影响目标完成。"],
  PROJECTS_OVER_TOTAL: ["项目金额含上年结转资金，故与调整预算口径不一致。"],
  TABLE_VS_REPORT: ["自评表资金总额不含上年结转，与报告收入合计口径不同。"],
  EXP_LINE_RATE: ["科目完成率按四舍五入后的金额计算。"],
  FUNCTION_CODE_INVALID: ["科目编码按上年科目表填写，已与财政局核对。"],
};
const GENERIC_EXPLANATION = ["经核实，情况属实，相关说明材料已报送财政局。", "已核对原始凭证，数据无误。"];

export function explanationText(rule: string, rnd: Random): string {
  return pick(rnd, EXPLANATIONS[rule] ?? GENERIC_EXPLANATION);
}

export const RETURN_REASONS = [
  "支出明细合计与支出总额不一致，请核对各科目决算数后重新提交。",
  "绩效指标权重合计不为100，请调整后重新提交。",
  "个别指标得分超过权重，自评总分与各指标得分之和不符，请核实。",
  "偏离度较大，情况说明过于简略，请补充预算调整的具体事项和金额。",
  "预算执行率偏低，请说明未执行资金的去向及结转情况。",
  "实有人数超过编制数，请附编办备案材料或说明原因。",
  "请按财政局下发的模板填报绩效目标完成情况自评表。",
];

export const REVIEW_COMMENTS: Array<{ path: string | null; body: string; answer: string }> = [
  { path: "expenditure.total", body: "支出合计与决算报表数据是否一致？请核对。", answer: "已与决算报表核对，数据一致。" },
  { path: "budgetManagement.adjustments", body: "请补充追加预算的文件依据。", answer: "追加依据为县财政局年中预算调整批复，已上传。" },
  { path: "selfScore", body: "自评得分偏高，请说明评分依据。", answer: "评分依据为单位绩效自评小组评议记录，已补充。" },
  { path: "targets.indicators[0].actual", body: "该指标实际完成值的数据来源是什么？", answer: "数据来源为业务台账年末统计数。" },
  { path: "income.adjustedBudget", body: "调整预算数与财政局批复数有差异，请核实。", answer: "差异为年末追加的上级专项资金，已核实。" },
  { path: "staffing.actual.total", body: "实有人数较上年变化较大，请说明。", answer: "年内新招录人员及退休人员变动所致。" },
  { path: null, body: "报告整体较规范，请注意下年度绩效目标设置要细化量化。", answer: "收到，下年度将细化绩效目标。" },
  { path: "targets.indicators[1].target", body: "指标值设置是否偏低？请结合上年完成情况说明。", answer: "指标值按年初计划设定，下年度将适当提高。" },
];

export const APPROVE_NOTES = ["审核通过。", "已核实情况说明，同意通过。", "报告规范，审核通过。"];
export const REOPEN_REASONS = ["发现支出科目归类有误，重新打开请单位说明。", "审计发现个别数据需更正，重新打开。"];
