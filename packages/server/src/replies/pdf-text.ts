/**
 * A PDF's text, for a model that is sent the PDF: `unpdf` (pdf.js built for servers), page by
 * page, pages apart by a blank line. Loaded on first use: pdf.js is a few megabytes of code that a
 * server nobody sends PDFs to never needs in memory.
 */

/** pdf.js's `VerbosityLevel.ERRORS`: without it, every odd font in a PDF is a warning on stdout. */
const QUIET = 0;

/** What {@link pdfText} read. */
export interface PdfText {
  text: string;
  /** The length of the whole text: counted when every page was read, else estimated from the pages read. */
  totalChars: number;
}

/**
 * The text of the PDF in `bytes`, read a page at a time until `maxChars` characters are in hand
 * (a long PDF's later pages are never parsed: that is where the time goes), and cut there. A
 * copy of `bytes` is handed to pdf.js, which takes over the buffer it is given. Rejects for bytes
 * that are not a readable PDF; a PDF of scanned pages gives `''`.
 *
 * @example
 * const { text } = await pdfText(await readFile('report.pdf'), 100_000);
 * // 'Quarterly report\nRevenue grew 12%'
 */
export async function pdfText(bytes: Uint8Array, maxChars: number): Promise<PdfText> {
  const { getDocumentProxy } = await import('unpdf');
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: QUIET });
  try {
    const pages: string[] = [];
    let length = 0;
    let read = 0;
    while (read < pdf.numPages && length < maxChars) {
      read += 1;
      const content = await (await pdf.getPage(read)).getTextContent();
      const page = content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
        .join('')
        .replace(/[^\S\n]+/g, ' ')
        .replace(/ ?\n ?/g, '\n')
        .trim();
      if (page === '') continue;
      pages.push(page);
      length += page.length + 2;
    }
    const text = pages.join('\n\n');
    const totalChars =
      read === pdf.numPages
        ? text.length
        : Math.max(text.length, Math.round((text.length / read) * pdf.numPages));
    return { text: text.slice(0, maxChars), totalChars };
  } finally {
    await pdf.destroy();
  }
}
