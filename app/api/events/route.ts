import { withRegistry } from '@/server/http';
import { eventStream } from '@/server/events';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/events: Server-Sent Events for changes of every cluster's Kubernetes state (docs/api.md). */
export function GET(request: Request): Promise<Response> {
  return withRegistry(async () =>
    new Response(eventStream(request.signal), {
      headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' },
    }),
  );
}
