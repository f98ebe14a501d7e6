import { TONE_CLASSES, TONE_ICON, type Tone } from '@/lib/ui/format';

/** A state shown with colour, a glyph and its word, so it reads without colour too. */
export function StatusPill({ tone, children, title }: { tone: Tone; children: React.ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-flex items-center gap-1 whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE_CLASSES[tone]}`}>
      <span aria-hidden="true">{TONE_ICON[tone]}</span>
      {children}
    </span>
  );
}
