import fc from "fast-check";
import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { convertUpload, MAX_UPLOAD_BYTES } from "~/domain/import/file";
import { DtdScanner, inspectZip } from "~/domain/import/zip";
import { declareSize, encodeGbk, fixtureBytes, REFERENCE, referenceText, setFlags, setMethod } from "./helpers";
import { tablesOf } from "./tokens";

const BOMB = "文件解压后过大，疑似压缩炸弹，已拒绝";
const docx = () => fixtureBytes(`${REFERENCE}.docx`);
const xlsx = () => fixtureBytes(`${REFERENCE}-targets.xlsx`);

/** The reference .docx with its parts changed (fflate re-zips it). */
function rezip(change: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(docx());
  change(files);
  return zipSync(files);
}

const zeros = (megabytes: number) => new Uint8Array(megabytes * 1024 * 1024);

let lie: Uint8Array | null = null;
/** 60 MB of zeros whose headers claim 1000 bytes: only really inflating it tells. */
const lyingBomb = () => (lie ??= declareSize(zipSync({ "word/document.xml": zeros(60) }), 1000));

describe("convertUpload dispatch", () => {
  it("reads a .docx, an .xlsx and a .txt of the same report alike", async () => {
    const reference = referenceText();
    const [table] = tablesOf(reference);
    const fromDocx = await convertUpload("泸县总工会2023年自评报告.DOCX", docx());
    const fromTxt = await convertUpload("报告.txt", new TextEncoder().encode(reference));
    const fromXlsx = await convertUpload("自评表.xlsx", xlsx());
    expect(fromTxt).toEqual({ ok: true, text: reference });
    expect(fromDocx.ok && tablesOf(fromDocx.text)[0]).toEqual(table);
    expect(fromXlsx.ok && tablesOf(fromXlsx.text)[0].length).toBe(table.length);
  });

  it("trusts the content over the extension", async () => {
    const asDocx = await convertUpload("其实是表格.docx", xlsx());
    const asXlsx = await convertUpload("其实是文档.xlsx", docx());
    expect(asDocx.ok && asDocx.text.startsWith("\t部门整体支出绩效目标完成情况自评表")).toBe(true);
    expect(asXlsx.ok && asXlsx.text.startsWith(" 2023年部门预算绩效评价报告")).toBe(true);
  });
});

describe("convertUpload refuses hostile or wrong files with a Chinese message", () => {
  const ole2 = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(504)]);
  const withoutDocument = rezip((files) => {
    delete files["word/document.xml"];
  });
  const withDoctype = rezip((files) => {
    const xml = new TextDecoder().decode(files["word/document.xml"]);
    files["word/document.xml"] = strToU8(
      xml.replace("?>", '?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'),
    );
  });
  const stored = zipSync(unzipSync(docx()), { level: 0 });

  it.each<[string, string, () => Uint8Array, string]>([
    ["random bytes named .docx", "not-a-docx.docx", () => fixtureBytes("not-a-docx.docx"), "不是有效的 .docx 文件"],
    ["random bytes named .xlsx", "表.xlsx", () => fixtureBytes("not-a-docx.docx"), "不是有效的 .xlsx 文件"],
    ["a zip bomb (60 MB document.xml)", "bomb.docx", () => fixtureBytes("bomb.docx"), BOMB],
    ["a bomb that lies about its size", "lie.docx", lyingBomb, BOMB],
    ["a bomb under 50 MB but 1000:1", "ratio.docx", () => zipSync({ "word/document.xml": zeros(5) }), BOMB],
    ["a zip without word/document.xml", "x.docx", () => withoutDocument, "不是有效的 .docx 文件：缺少 word/document.xml"],
    ["a zip without xl/workbook.xml", "x.xlsx", () => withoutDocument, "不是有效的 .xlsx 文件：缺少 xl/workbook.xml"],
    ["a zip that is no Office file", "x.zip", () => withoutDocument, "不支持的文件类型，请上传 Word(.docx)、Excel(.xlsx)、PDF、网页(.html) 或文本(.txt) 文件"],
    ["a truncated .docx", "half.docx", () => docx().subarray(0, 6000), "不是有效的 .docx 文件"],
    ["an entity-expansion .docx", "dtd.docx", () => withDoctype, "文件包含不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝"],
    ["an encrypted zip", "enc.docx", () => setFlags(docx(), 1), "文件已加密，请取消密码保护后再上传"],
    ["an unknown compression method", "m.docx", () => setMethod(docx(), 12), "文件已损坏或格式异常，不是有效的 .docx 文件"],
    ["a .doc", "旧.doc", () => ole2, "这是旧版 Word 文件(.doc)或已加密的文档，请取消密码保护并另存为 .docx 后上传"],
    ["an encrypted .xlsx", "密.xlsx", () => ole2, "这是旧版 Excel 文件(.xls)或已加密的工作簿，请取消密码保护并另存为 .xlsx 后上传"],
    ["a .xls that is not OLE2", "a.xls", () => strToU8("a,b"), "不支持旧版 Excel 格式，请另存为 .xlsx 后上传"],
    ["a truncated PDF named .txt (read as a PDF by its content)", "a.txt", () => strToU8("%PDF-1.7\n..."), "PDF 文件不完整（可能在下载或复制时被截断），请重新导出或重新下载后上传"],
    ["a binary .txt", "a.txt", () => new Uint8Array([0x41, 0, 0x42]), "文件不是文本文件"],
    ["an .exe", "setup.exe", () => new Uint8Array([0x4d, 0x5a, 1, 2]), "不支持的文件类型，请上传 Word(.docx)、Excel(.xlsx)、PDF、网页(.html) 或文本(.txt) 文件"],
    ["an empty file", "a.docx", () => new Uint8Array(0), "文件为空"],
    ["a blank .txt", "a.txt", () => strToU8(" \r\n\r\n"), "文件为空"],
    ["a file over 20 MB", "big.docx", () => new Uint8Array(MAX_UPLOAD_BYTES + 1), "文件超过 20 MB，请删除图片或拆分后再上传"],
  ])("%s", async (_name, fileName, bytes, error) => {
    await expect(convertUpload(fileName, bytes())).resolves.toEqual({ ok: false, error });
  });

  it("accepts the same .docx stored without compression", async () => {
    const result = await convertUpload("stored.docx", stored);
    expect(result.ok).toBe(true);
  });

  it("stops inflating a lying bomb at the budget, quickly", () => {
    const bomb = lyingBomb();
    const started = Date.now();
    expect(inspectZip(bomb)).toEqual({ ok: false, problem: "bomb" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("finds a DOCTYPE split between two inflated chunks", () => {
    const scanner = new DtdScanner();
    scanner.push(strToU8('<?xml version="1.0"?><!DOC'));
    expect(scanner.found).toBe(false);
    scanner.push(strToU8("type x>"));
    expect(scanner.found).toBe(true);
    const harmless = new DtdScanner();
    harmless.push(strToU8("<!-- comment --><![CDATA[<!DOC]]>TYPE"));
    expect(harmless.found).toBe(false);
  });

  it("never throws, whatever the bytes (property)", async () => {
    const original = docx();
    const mutated = fc
      .array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
      .map((edits) => {
        const bytes = original.slice();
        for (const [at, value] of edits) bytes[at] = value;
        return bytes;
      });
    const names = fc.constantFrom("a.docx", "a.xlsx", "a.txt", "a", "a.doc", ".docx", "a.b.c.DOCX");
    await fc.assert(
      fc.asyncProperty(names, fc.oneof(mutated, fc.uint8Array({ maxLength: 2048 })), async (name, bytes) => {
        const result = await convertUpload(name, bytes);
        expect(typeof result.ok).toBe("boolean");
        if (!result.ok) expect(result.error).toMatch(/[\u4e00-\u9fff]/);
      }),
      { numRuns: 60 },
    );
  });
});

describe("convertUpload decodes text files", () => {
  const reference = referenceText();

  it.each<[string, () => Uint8Array]>([
    ["UTF-8", () => new TextEncoder().encode(reference)],
    ["UTF-8 with BOM", () => new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(reference)])],
    ["GBK", () => encodeGbk(reference)],
    ["GBK with CRLF", () => encodeGbk(reference.replace(/\n/g, "\r\n"))],
    ["UTF-16LE with BOM (Notepad's 'Unicode')", () => utf16le(reference)],
  ])("%s", async (_name, bytes) => {
    await expect(convertUpload("报告.txt", bytes())).resolves.toEqual({ ok: true, text: reference });
  });

  it("GBK bytes are not mistaken for UTF-8", async () => {
    const bytes = encodeGbk("部门名称\t总工会");
    expect(bytes).toEqual(new Uint8Array([0xb2, 0xbf, 0xc3, 0xc5, 0xc3, 0xfb, 0xb3, 0xc6, 0x09, 0xd7, 0xdc, 0xb9, 0xa4, 0xbb, 0xe1]));
    await expect(convertUpload("a.txt", bytes)).resolves.toEqual({ ok: true, text: "部门名称\t总工会" });
  });
});

function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes[2 + i * 2] = code & 0xff;
    bytes[3 + i * 2] = code >> 8;
  }
  return bytes;
}
