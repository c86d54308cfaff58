import { type ComponentProps, memo, useRef, useState } from 'react';
import ReactMarkdown, { type Components, type ExtraProps } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';

/**
 * Assistant text as GitHub-flavoured Markdown (tables, task lists, strikethrough, autolinks), code
 * blocks highlighted. Re-parsed on each render while a reply streams: a half-written `**` shows
 * as it is until its other half arrives.
 *
 * No raw HTML: react-markdown turns HTML the model writes into plain text (it never reaches the
 * DOM as markup), and drops `javascript:` and other unsafe URLs. Links open in a new tab. `live`:
 * the text is still being written (a caret follows it).
 */
export const Markdown = memo(function Markdown({ text, live }: { text: string; live: boolean }) {
  return (
    <div className={live ? 'markdown live' : 'markdown'}>
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
});

const remarkPlugins = [remarkGfm];
// Only fenced blocks that name their language are highlighted: guessing costs time on every render.
const rehypePlugins = [[rehypeHighlight, { detect: false }]] satisfies ComponentProps<
  typeof ReactMarkdown
>['rehypePlugins'];

const components: Components = {
  pre: CodeBlock,
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer" />,
};

/** A fenced code block: its language, the code, and a button that copies it. */
function CodeBlock({ node, children, ...props }: ComponentProps<'pre'> & ExtraProps) {
  const pre = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'selected'>('idle');
  const code = node?.children[0];
  const classes = code?.type === 'element' ? code.properties.className : undefined;
  const language = Array.isArray(classes)
    ? classes.find((name): name is string => String(name).startsWith('language-'))?.slice(9)
    : undefined;

  async function copy() {
    // The block's text without the newline that ends every fenced block.
    const text = (pre.current?.textContent ?? '').replace(/\n$/, '');
    try {
      await navigator.clipboard.writeText(text);
      setCopied('copied');
    } catch {
      // No clipboard (a page served over plain http from another machine): select it instead.
      if (pre.current) window.getSelection()?.selectAllChildren(pre.current);
      setCopied('selected');
    }
    setTimeout(() => setCopied('idle'), 2000);
  }

  return (
    <div className="code-block">
      <div className="code-bar">
        <span>{language ?? 'code'}</span>
        <button type="button" className="copy" onClick={() => void copy()}>
          {copied === 'copied' ? 'Copied' : copied === 'selected' ? 'Selected: press Ctrl+C' : 'Copy'}
        </button>
      </div>
      <pre ref={pre} {...props}>
        {children}
      </pre>
    </div>
  );
}
