// The operations the client tests send, shared by the tests and by the trusted-documents
// manifest that run.sh gives the persisted-only server (see manifest.mjs).
import { gql } from "@apollo/client";

/** A partner page: the partner and the first page of its interventions. */
export const PARTNER_PAGE = gql`
  query PartnerPage($slug: String!, $first: Int!, $after: String) {
    partner(slug: $slug) {
      id
      slug
      name
      kind
      interventions(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          role
          node {
            id
            name
          }
        }
      }
    }
  }
`;

/** A list of partners, as a front end lists them before it opens one. */
export const PARTNER_LIST = gql`
  query PartnerList($first: Int!) {
    partners(first: $first) {
      totalCount
      nodes {
        id
        slug
        name
      }
    }
  }
`;

/** Renames a partner; the payload is the partner, with `id` and the changed fields. */
export const RENAME_PARTNER = gql`
  mutation RenamePartner($id: ID!, $name: String!) {
    updatePartner(id: $id, input: { name: $name }) {
      id
      name
      version
    }
  }
`;

/** A query that is in no manifest: the persisted-only server must refuse it. */
export const NOT_IN_MANIFEST = gql`
  query NotInManifest {
    fundingStreams(first: 3) {
      nodes {
        id
        name
        endYear
      }
    }
  }
`;

/** The funding overview of the example app, one page of streams with the interventions. */
export const FUNDING_OVERVIEW = gql`
  query FundingOverview($first: Int!) {
    fundingStreams(first: $first) {
      totalCount
      nodes {
        id
        name
        endYear
        interventions(first: 5) {
          totalCount
          edges {
            amountEur
            node {
              id
              name
            }
          }
        }
      }
    }
  }
`;
