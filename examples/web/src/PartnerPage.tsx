// A partner page: who the partner is, and its interventions, loaded a page at a time with the
// connection's cursor.
import { useState } from "react";
import { useQuery } from "urql";
import { graphql } from "./gql";

const PartnerPageQuery = graphql(`
  query PartnerPage($slug: String!) {
    partner(slug: $slug) {
      id
      name
      kind
      description
      clusters {
        id
        name
      }
    }
  }
`);

const PartnerInterventionsQuery = graphql(`
  query PartnerInterventions($slug: String!, $first: Int!, $after: String) {
    partner(slug: $slug) {
      id
      interventions(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          role
          node {
            ...InterventionRow
          }
        }
      }
    }
  }
`);

graphql(`
  fragment InterventionRow on Intervention {
    id
    slug
    name
    startYear
    endYear
  }
`);

const PAGE_SIZE = 10;

export function PartnerPage({ slug }: { slug: string }) {
  const [{ data, fetching, error }] = useQuery({
    query: PartnerPageQuery,
    variables: { slug },
  });
  if (fetching) return <p>Loading…</p>;
  if (error) return <p role="alert">{error.message}</p>;
  const partner = data?.partner;
  if (!partner) return <p>No partner “{slug}”.</p>;
  return (
    <article>
      <h1>{partner.name}</h1>
      <p>
        {partner.kind.toLowerCase().replace(/_/g, " ")} · works in{" "}
        {partner.clusters.map((p) => p.name).join(", ") || "no cluster"}
      </p>
      {partner.description && <p>{partner.description}</p>}
      <Interventions slug={slug} />
    </article>
  );
}

/** The pages loaded so far: one query per page, each after the cursor of the one before. */
function Interventions({ slug }: { slug: string }) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return (
    <section>
      <h2>Interventions</h2>
      <ul>
        {cursors.map((after, i) => (
          <InterventionPage
            key={after ?? "first"}
            slug={slug}
            after={after}
            onLoadMore={
              i === cursors.length - 1 ? (cursor) => setCursors([...cursors, cursor]) : undefined
            }
          />
        ))}
      </ul>
    </section>
  );
}

function InterventionPage(props: {
  slug: string;
  after: string | null;
  onLoadMore?: (cursor: string) => void;
}) {
  const [{ data, fetching, error }] = useQuery({
    query: PartnerInterventionsQuery,
    variables: { slug: props.slug, first: PAGE_SIZE, after: props.after },
  });
  if (fetching) return <li>Loading…</li>;
  if (error) return <li role="alert">{error.message}</li>;
  const page = data?.partner?.interventions;
  if (!page) return null;
  const { hasNextPage, endCursor } = page.pageInfo;
  return (
    <>
      {page.edges.map(({ cursor, role, node }) => (
        <li key={cursor}>
          {node.name} <small>({role.toLowerCase()}{years(node.startYear, node.endYear)})</small>
        </li>
      ))}
      {props.onLoadMore && hasNextPage && endCursor && (
        <li>
          <button type="button" onClick={() => props.onLoadMore?.(endCursor)}>
            Load more ({page.totalCount} in all)
          </button>
        </li>
      )}
    </>
  );
}

function years(start?: number | null, end?: number | null): string {
  if (start == null && end == null) return "";
  return `, ${start ?? "…"}–${end ?? "…"}`;
}
