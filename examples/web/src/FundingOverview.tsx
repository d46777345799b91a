// A funding overview: every funding stream with the year it ends and the interventions it
// pays, the streams that end first at the top (what stops when a grant stops).
import { useQuery } from "urql";
import { graphql } from "./gql";
import type { FundingOverviewQuery as Result } from "./gql/graphql";

const FundingOverviewQuery = graphql(`
  query FundingOverview($first: Int!) {
    fundingStreams(first: $first) {
      totalCount
      nodes {
        id
        slug
        name
        kind
        endYear
        amountEur
        interventions(first: 100) {
          totalCount
          edges {
            amountEur
            node {
              ...InterventionRow
            }
          }
        }
      }
    }
  }
`);

type Stream = Result["fundingStreams"]["nodes"][number];

/** Streams with an end year first, earliest first; open-ended ones last, by name. */
const byEndYear = (a: Stream, b: Stream) =>
  (a.endYear ?? Infinity) - (b.endYear ?? Infinity) || a.name.localeCompare(b.name);

const euros = new Intl.NumberFormat("nl-NL", { style: "currency", currency: "EUR", maximumFractionDigits: 0 });

export function FundingOverview() {
  const [{ data, fetching, error }] = useQuery({
    query: FundingOverviewQuery,
    variables: { first: 100 },
  });
  if (fetching) return <p>Loading…</p>;
  if (error) return <p role="alert">{error.message}</p>;
  const streams = [...(data?.fundingStreams.nodes ?? [])].sort(byEndYear);
  return (
    <article>
      <h1>Funding overview</h1>
      <p>{data?.fundingStreams.totalCount} funding streams, the first to end on top.</p>
      <table>
        <thead>
          <tr>
            <th>Stream</th>
            <th>Kind</th>
            <th>Ends</th>
            <th>Amount</th>
            <th>Pays for</th>
          </tr>
        </thead>
        <tbody>
          {streams.map((stream) => (
            <tr key={stream.id}>
              <td>{stream.name}</td>
              <td>{stream.kind.toLowerCase().replace(/_/g, " ")}</td>
              <td>{stream.endYear ?? "open"}</td>
              <td>{stream.amountEur == null ? "" : euros.format(stream.amountEur)}</td>
              <td>
                {stream.interventions.totalCount === 1
                  ? "1 intervention"
                  : `${stream.interventions.totalCount} interventions`}
                <ul>
                  {stream.interventions.edges.map(({ node, amountEur }) => (
                    <li key={node.id}>
                      {node.name}
                      {amountEur != null && ` (${euros.format(amountEur)})`}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
