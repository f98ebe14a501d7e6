export default function OverviewPage() {
  return <main className="p-4">Isthmus</main>;
}
